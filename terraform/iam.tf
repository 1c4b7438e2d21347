# Three Google service accounts, each with the least roles its workload needs:
#   nodes         - GKE node VMs: write logs/metrics, pull images. Pods never see it (GKE_METADATA).
#   control plane - reads extractor logs from Cloud Logging for the UI (logging.viewer).
#   etl           - runs BigQuery load/merge jobs (jobUser on the project) and writes only the
#                   destination datasets (dataEditor per dataset). Logs are written by the node's
#                   logging agent from stdout, so no logWriter role is needed for pods.

resource "google_service_account" "nodes" {
  account_id   = "${var.name_prefix}-nodes"
  display_name = "ETL Monitor GKE nodes"

  depends_on = [google_project_service.apis]
}

resource "google_service_account" "control_plane" {
  account_id   = "${var.name_prefix}-api"
  display_name = "ETL Monitor control plane (Workload Identity)"

  depends_on = [google_project_service.apis]
}

resource "google_service_account" "etl" {
  account_id   = "${var.name_prefix}-etl"
  display_name = "ETL Monitor extractor jobs (Workload Identity)"

  depends_on = [google_project_service.apis]
}

locals {
  node_roles = toset([
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
  ])
}

resource "google_project_iam_member" "nodes" {
  for_each = local.node_roles

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.nodes.email}"
}

resource "google_artifact_registry_repository_iam_member" "nodes_pull" {
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.reader"
  member     = "serviceAccount:${google_service_account.nodes.email}"
}

resource "google_project_iam_member" "control_plane_log_viewer" {
  project = var.project_id
  role    = "roles/logging.viewer"
  member  = "serviceAccount:${google_service_account.control_plane.email}"
}

resource "google_project_iam_member" "etl_bigquery_job_user" {
  project = var.project_id
  role    = "roles/bigquery.jobUser"
  member  = "serviceAccount:${google_service_account.etl.email}"
}

resource "google_bigquery_dataset_iam_member" "etl_data_editor" {
  for_each = google_bigquery_dataset.destinations

  dataset_id = each.value.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = "serviceAccount:${google_service_account.etl.email}"
}

# Workload Identity: the Kubernetes ServiceAccounts of the Helm release may act as the GSAs.
# The identity pool exists once the cluster does.
resource "google_service_account_iam_member" "control_plane_workload_identity" {
  service_account_id = google_service_account.control_plane.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${local.workload_pool}[${var.k8s_namespace}/${var.k8s_control_plane_service_account}]"

  depends_on = [google_container_cluster.main]
}

resource "google_service_account_iam_member" "etl_workload_identity" {
  service_account_id = google_service_account.etl.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${local.workload_pool}[${var.k8s_jobs_namespace}/${var.k8s_etl_service_account}]"

  depends_on = [google_container_cluster.main]
}
