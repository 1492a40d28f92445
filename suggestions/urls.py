from django.urls import path

from . import views

app_name = "suggestions"
urlpatterns = [
    # office, leaders, committees
    path("", views.suggestion_list, name="list"),
    path("export/", views.suggestion_export, name="export"),
    path("review/", views.review_queue, name="review"),
    path("enter/", views.enter_for_deputy, name="enter"),
    path("review/merge/", views.merge, name="merge"),
    path("assign/", views.bulk_assign, name="assign"),
    path("requests/", views.requests_list, name="requests"),
    path("key/", views.key_items, name="key"),
    path("survey/", views.survey_list, name="survey"),
    path("follow-up/", views.follow_up_list, name="follow_up"),
    path("documents/", views.documents, name="documents"),
    path("documents/assignment-letter.pdf", views.assignment_letter, name="assignment_letter"),
    path("documents/compilation.pdf", views.compilation, name="compilation"),
    # handling units
    path("todo/", views.unit_todo, name="todo"),
    # deputies (phone)
    path("mine/", views.my_suggestions, name="mine"),
    path("mine/new/", views.draft_create, name="draft_create"),
    path("mine/invitations/", views.invitations, name="invitations"),
    path("<int:pk>/edit/", views.draft_edit, name="draft_edit"),
    path("<int:pk>/cosigners/", views.cosigners, name="cosigners"),
    path("<int:pk>/cosigners/invite/", views.invite, name="invite"),
    # one item, its actions and files
    path("<int:pk>/", views.detail, name="detail"),
    path("<str:level>/<int:pk>/do/<str:name>/", views.act, name="act"),
    path("answers/<int:pk>/feedback-form.pdf", views.feedback_form, name="feedback_form"),
    path("files/<int:pk>/", views.attachment_download, name="attachment"),
]
