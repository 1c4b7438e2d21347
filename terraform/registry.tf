resource "google_artifact_registry_repository" "images" {
  location      = var.region
  repository_id = var.name_prefix
  description   = "ETL Monitor images: api (Dockerfile.api) and etl (Dockerfile.etl)"
  format        = "DOCKER"

  depends_on = [google_project_service.apis]
}
