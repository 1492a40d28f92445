from django.urls import path

app_name = "suggestions"
urlpatterns: list = []
