resource "google_bigquery_dataset" "destinations" {
  for_each = var.bigquery_datasets

  dataset_id  = each.key
  description = each.value
  location    = var.bigquery_location

  # Loaded tables are the product's output: never dropped by `terraform destroy`.
  delete_contents_on_destroy = false

  labels = {
    managed-by = "terraform"
    app        = "etl-monitor"
  }

  depends_on = [google_project_service.apis]
}
