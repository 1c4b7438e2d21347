# ETL Monitor on GCP: a private GKE cluster with Workload Identity, Cloud SQL for PostgreSQL on a
# private IP, BigQuery datasets, an Artifact Registry repository, least-privilege service
# accounts and Secret Manager secrets. `terraform output helm_values` feeds the Helm chart.

locals {
  workload_pool = "${var.project_id}.svc.id.goog"
  apis = toset([
    "artifactregistry.googleapis.com",
    "bigquery.googleapis.com",
    "compute.googleapis.com",
    "container.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "secretmanager.googleapis.com",
    "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com",
  ])
}

resource "google_project_service" "apis" {
  for_each = local.apis

  service            = each.value
  disable_on_destroy = false
}

resource "google_compute_network" "main" {
  name                    = var.name_prefix
  auto_create_subnetworks = false

  depends_on = [google_project_service.apis]
}

resource "google_compute_subnetwork" "gke" {
  name          = "${var.name_prefix}-gke"
  region        = var.region
  network       = google_compute_network.main.id
  ip_cidr_range = var.subnet_cidr

  # Private nodes reach BigQuery and other Google APIs without public IPs.
  private_ip_google_access = true

  secondary_ip_range {
    range_name    = "pods"
    ip_cidr_range = var.pods_cidr
  }

  secondary_ip_range {
    range_name    = "services"
    ip_cidr_range = var.services_cidr
  }
}

# Egress for private nodes (Firebird servers reached over the internet or a VPN gateway, OIDC issuer).
resource "google_compute_router" "main" {
  name    = var.name_prefix
  region  = var.region
  network = google_compute_network.main.id
}

resource "google_compute_router_nat" "main" {
  name                               = var.name_prefix
  router                             = google_compute_router.main.name
  region                             = var.region
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"

  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}

# Global address of the GKE Ingress (chart value ingress.gke.staticIpName).
resource "google_compute_global_address" "ingress" {
  name = "${var.name_prefix}-ip"

  depends_on = [google_project_service.apis]
}
