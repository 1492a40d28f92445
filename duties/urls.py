from django.urls import path

from .views import archive, assessment, meetings, mobile, records

app_name = "duties"
urlpatterns = [
    # Staff: records and verification
    path("", records.record_list, name="record_list"),
    path("export/", records.record_export, name="record_export"),
    path("records/new/", records.record_create, name="record_create"),
    path("records/persons/", records.person_lookup, name="person_lookup"),
    path("records/<int:pk>/", records.record_detail, name="record_detail"),
    path("records/<int:pk>/edit/", records.record_edit, name="record_edit"),
    path("records/<int:pk>/verify/", records.record_verify, name="record_verify"),
    path("records/<int:pk>/return/", records.record_return, name="record_return"),
    path("records/<int:pk>/delete/", records.record_delete, name="record_delete"),
    path("photos/<int:pk>/", records.photo, name="photo"),
    # Attendance and 述职
    path("attendance/", meetings.attendance_index, name="attendance"),
    path("attendance/meeting/<int:pk>/", meetings.attendance_meeting, name="attendance_meeting"),
    path("attendance/standing/<int:pk>/", meetings.attendance_standing, name="attendance_standing"),
    path("voter-reports/", meetings.voter_report_list, name="voter_report_list"),
    path("voter-reports/new/", meetings.voter_report_new, name="voter_report_new"),
    path("voter-reports/<int:pk>/file/", meetings.voter_report_file, name="voter_report_file"),
    # Assessment
    path("assessment/", assessment.rule_list, name="rule_list"),
    path("assessment/<int:pk>/rules/", assessment.rule_edit, name="rule_edit"),
    path("assessment/<int:pk>/recompute/", assessment.rule_recompute, name="rule_recompute"),
    path("assessment/<int:pk>/scores/", assessment.scores, name="scores"),
    path("assessment/scores/<int:pk>/", assessment.score_detail, name="score_detail"),
    path("assessment/<int:pk>/below/", assessment.below_line, name="below_line"),
    path("assessment/<int:pk>/interview/<int:person_pk>/", assessment.interview_new, name="interview_new"),
    path("norms/", assessment.norm_checks, name="norms"),
    path("figures/", assessment.figures, name="figures"),
    # 一人一册
    path("archive/<int:pk>/", archive.person_archive, name="archive"),
    path("archive/<int:pk>/pdf/", archive.person_archive_pdf, name="archive_pdf"),
    path("archive/bundle/", archive.bundle, name="bundle"),
    # The deputy's phone
    path("m/", mobile.my_records, name="m_records"),
    path("mine/", mobile.my_records, name="mine"),  # the home dashboard's card links here
    path("m/new/", mobile.record_new, name="m_record_new"),
    path("m/<int:pk>/", mobile.record_detail, name="m_record_detail"),
    path("m/<int:pk>/edit/", mobile.record_edit, name="m_record_edit"),
    path("m/<int:pk>/submit/", mobile.record_submit, name="m_record_submit"),
    path("m/<int:pk>/delete/", mobile.record_delete, name="m_record_delete"),
    path("m/archive/", mobile.my_archive, name="m_archive"),
    path("m/archive/pdf/", mobile.my_archive_pdf, name="m_archive_pdf"),
]
