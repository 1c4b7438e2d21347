# Private services access: Cloud SQL gets an address inside the VPC, no public IP.
resource "google_compute_global_address" "private_services" {
  name          = "${var.name_prefix}-private-services"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = 20
  network       = google_compute_network.main.id
}

resource "google_service_networking_connection" "private_services" {
  network                 = google_compute_network.main.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.private_services.name]
}

resource "google_sql_database_instance" "main" {
  name                = var.name_prefix
  database_version    = "POSTGRES_15"
  region              = var.region
  deletion_protection = var.deletion_protection

  settings {
    tier              = var.cloudsql_tier
    availability_type = var.cloudsql_availability_type
    disk_autoresize   = true

    ip_configuration {
      ipv4_enabled    = false
      private_network = google_compute_network.main.id
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }

    insights_config {
      query_insights_enabled = true
    }
  }

  depends_on = [google_service_networking_connection.private_services]
}

resource "google_sql_database" "etl_monitor" {
  name     = var.database_name
  instance = google_sql_database_instance.main.name
}

# URL-safe characters only: the password is embedded in DATABASE_URL.
resource "random_password" "database" {
  length  = 32
  special = false
}

resource "google_sql_user" "etl_monitor" {
  name     = var.database_user
  instance = google_sql_database_instance.main.name
  password = random_password.database.result
}
