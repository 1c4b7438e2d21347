# Secret Manager holds the control plane's three secrets; the operator copies them into the
# Kubernetes Secrets the chart references (README "Install on GKE"). No workload gets access.

resource "google_secret_manager_secret" "database_url" {
  secret_id = "${var.name_prefix}-database-url"

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_version" "database_url" {
  secret      = google_secret_manager_secret.database_url.id
  secret_data = "postgres://${google_sql_user.etl_monitor.name}:${random_password.database.result}@${google_sql_database_instance.main.private_ip_address}:5432/${google_sql_database.etl_monitor.name}"
}

resource "random_password" "session" {
  length  = 64
  special = false
}

resource "google_secret_manager_secret" "session" {
  secret_id = "${var.name_prefix}-session-secret"

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_version" "session" {
  secret      = google_secret_manager_secret.session.id
  secret_data = random_password.session.result
}

# The OIDC client secret comes from the identity provider: add it with
#   gcloud secrets versions add <name_prefix>-oidc-client-secret --data-file=-
resource "google_secret_manager_secret" "oidc_client_secret" {
  secret_id = "${var.name_prefix}-oidc-client-secret"

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}
