from django.urls import path

from credits import views

app_name = "credits"
urlpatterns = [
    path("certificates/<str:number>/", views.certificate, name="certificate"),
    path("certificates/<str:number>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path(
        "certificates/<str:number>/credential.json",
        views.certificate_credential_download,
        name="certificate_credential",
    ),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>/credential.json", views.verify_credential, name="verify_credential"),
    path("credentials/status/<int:number>", views.status_list, name="status_list"),
    path("transcript/", views.transcript_page, name="transcript"),
    path("transcript/transcript.csv", views.transcript_csv, name="transcript_csv"),
    path("transcript/transcript.pdf", views.transcript_pdf, name="transcript_pdf"),
    path("transcript/self-reported/", views.external_credit_create, name="external_add"),
    path("transcript/self-reported/<int:pk>/delete/", views.external_credit_remove, name="external_delete"),
    path("follow-ups/<int:pk>/", views.followup, name="followup"),
    path("follow-ups/<int:pk>/stop/", views.followup_stop, name="followup_decline"),
]
