terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # Keep state in a GCS bucket: it holds the generated database and session secrets.
  # backend "gcs" {
  #   bucket = "acme-etl-prod-tfstate"
  #   prefix = "etl-monitor"
  # }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
