# Secret Manager holds the control plane's three secrets; the operator copies them into the
# Kubernetes Secrets the chart references (README "Install on GKE"). No workload gets access.
# The OIDC client secret comes from the identity provider: add it with
#   gcloud secrets versions add <name_prefix>-oidc-client-secret --data-file=-

locals {
  control_plane_secrets = {
    database_url       = "${var.name_prefix}-database-url"
    session            = "${var.name_prefix}-session-secret"
    oidc_client_secret = "${var.name_prefix}-oidc-client-secret"
  }
}

resource "google_secret_manager_secret" "control_plane" {
  for_each = local.control_plane_secrets

  secret_id = each.value

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_version" "database_url" {
  secret      = google_secret_manager_secret.control_plane["database_url"].id
  secret_data = "postgres://${google_sql_user.etl_monitor.name}:${random_password.database.result}@${google_sql_database_instance.main.private_ip_address}:5432/${google_sql_database.etl_monitor.name}"
}

resource "random_password" "session" {
  length  = 64
  special = false
}

resource "google_secret_manager_secret_version" "session" {
  secret      = google_secret_manager_secret.control_plane["session"].id
  secret_data = random_password.session.result
}
