output "gke_cluster_name" {
  description = "GKE cluster name."
  value       = google_container_cluster.main.name
}

output "gke_get_credentials" {
  description = "Command that configures kubectl/helm for the cluster."
  value       = "gcloud container clusters get-credentials ${google_container_cluster.main.name} --region ${var.region} --project ${var.project_id}"
}

output "artifact_registry_url" {
  description = "Image repository prefix: push <url>/api and <url>/etl (Helm image.repository, extractorImage.repository)."
  value       = "${google_artifact_registry_repository.images.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}

output "control_plane_gsa_email" {
  description = "Helm value serviceAccount.controlPlane.gcpServiceAccount."
  value       = google_service_account.control_plane.email
}

output "etl_gsa_email" {
  description = "Helm value serviceAccount.jobs.gcpServiceAccount."
  value       = google_service_account.etl.email
}

output "ingress_static_ip_name" {
  description = "Helm value ingress.gke.staticIpName."
  value       = google_compute_global_address.ingress.name
}

output "ingress_ip_address" {
  description = "Point the DNS A record of the public host name here (needed for the managed certificate)."
  value       = google_compute_global_address.ingress.address
}

output "cloudsql_private_ip" {
  description = "Private IP of the Cloud SQL instance (inside DATABASE_URL)."
  value       = google_sql_database_instance.main.private_ip_address
}

output "database_url_secret" {
  description = "Secret Manager secret holding DATABASE_URL (copy into Kubernetes Secret etl-monitor-database)."
  value       = google_secret_manager_secret.control_plane["database_url"].secret_id
}

output "session_secret" {
  description = "Secret Manager secret holding SESSION_SECRET (copy into Kubernetes Secret etl-monitor-session)."
  value       = google_secret_manager_secret.control_plane["session"].secret_id
}

output "oidc_client_secret" {
  description = "Secret Manager secret to hold OIDC_CLIENT_SECRET (add a version, copy into Kubernetes Secret etl-monitor-oidc)."
  value       = google_secret_manager_secret.control_plane["oidc_client_secret"].secret_id
}

output "bigquery_datasets" {
  description = "Destination dataset IDs the extractor may write (use them in ETL Monitor destinations)."
  value       = [for d in google_bigquery_dataset.destinations : d.dataset_id]
}

output "helm_values" {
  description = "Helm values derived from this infrastructure: terraform output -raw helm_values > terraform-values.yaml"
  value = yamlencode({
    image = {
      repository = "${google_artifact_registry_repository.images.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}/api"
    }
    extractorImage = {
      repository = "${google_artifact_registry_repository.images.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}/etl"
    }
    config = {
      googleCloudProject = var.project_id
    }
    jobs = {
      namespace = var.k8s_jobs_namespace
    }
    serviceAccount = {
      controlPlane = { gcpServiceAccount = google_service_account.control_plane.email }
      jobs         = { gcpServiceAccount = google_service_account.etl.email }
    }
    ingress = {
      gke = { staticIpName = google_compute_global_address.ingress.name }
    }
  })
}
