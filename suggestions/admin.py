from django.contrib import admin

from . import models

for m in (models.Category, models.Suggestion, models.Assignment, models.Answer, models.Rating, models.Transition):
    admin.site.register(m)
