variable "project_id" {
  description = "GCP project that hosts ETL Monitor (GKE, Cloud SQL, BigQuery, Artifact Registry)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][-a-z0-9]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a GCP project ID: 6-30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of the GKE cluster, Cloud SQL instance and Artifact Registry repository (e.g. europe-west1)."
  type        = string
  default     = "europe-west1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a GCP region such as europe-west1 or us-central1 (not a zone)."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name (cluster, instance, service accounts, repository)."
  type        = string
  default     = "etl-monitor"

  validation {
    condition     = can(regex("^[a-z][-a-z0-9]{2,17}$", var.name_prefix))
    error_message = "name_prefix must be 3-18 lowercase letters, digits or hyphens, starting with a letter (service account IDs derive from it)."
  }
}

variable "subnet_cidr" {
  description = "Primary range of the GKE node subnet."
  type        = string
  default     = "10.10.0.0/20"

  validation {
    condition     = can(cidrhost(var.subnet_cidr, 0))
    error_message = "subnet_cidr must be an IPv4 CIDR such as 10.10.0.0/20."
  }
}

variable "pods_cidr" {
  description = "Secondary range for GKE pods."
  type        = string
  default     = "10.16.0.0/14"

  validation {
    condition     = can(cidrhost(var.pods_cidr, 0))
    error_message = "pods_cidr must be an IPv4 CIDR such as 10.16.0.0/14."
  }
}

variable "services_cidr" {
  description = "Secondary range for GKE services."
  type        = string
  default     = "10.20.16.0/20"

  validation {
    condition     = can(cidrhost(var.services_cidr, 0))
    error_message = "services_cidr must be an IPv4 CIDR such as 10.20.16.0/20."
  }
}

variable "master_ipv4_cidr" {
  description = "/28 range of the private GKE control plane endpoint."
  type        = string
  default     = "172.16.0.0/28"

  validation {
    condition     = can(cidrhost(var.master_ipv4_cidr, 0)) && endswith(var.master_ipv4_cidr, "/28")
    error_message = "master_ipv4_cidr must be a /28 IPv4 CIDR such as 172.16.0.0/28."
  }
}

variable "master_authorized_networks" {
  description = "CIDRs allowed to reach the GKE API endpoint (kubectl, helm). Empty list: any address (not recommended)."
  type = list(object({
    cidr_block   = string
    display_name = string
  }))
  default = []

  validation {
    condition     = alltrue([for n in var.master_authorized_networks : can(cidrhost(n.cidr_block, 0))])
    error_message = "Every master_authorized_networks.cidr_block must be an IPv4 CIDR."
  }
}

variable "gke_release_channel" {
  description = "GKE release channel."
  type        = string
  default     = "REGULAR"

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE"], var.gke_release_channel)
    error_message = "gke_release_channel must be RAPID, REGULAR or STABLE."
  }
}

variable "node_machine_type" {
  description = "Machine type of the GKE node pool (extractor pods stream rows; memory stays flat)."
  type        = string
  default     = "e2-standard-4"
}

variable "node_min_count" {
  description = "Minimum nodes per zone of the autoscaled node pool."
  type        = number
  default     = 1

  validation {
    condition     = var.node_min_count >= 0 && floor(var.node_min_count) == var.node_min_count
    error_message = "node_min_count must be a whole number >= 0."
  }
}

variable "node_max_count" {
  description = "Maximum nodes per zone of the autoscaled node pool."
  type        = number
  default     = 3

  validation {
    condition     = var.node_max_count >= 1 && floor(var.node_max_count) == var.node_max_count
    error_message = "node_max_count must be a whole number >= 1."
  }
}

variable "cloudsql_tier" {
  description = "Cloud SQL machine tier of the control plane's PostgreSQL (schedules, users, executions)."
  type        = string
  default     = "db-custom-1-3840"

  validation {
    condition     = can(regex("^db-", var.cloudsql_tier))
    error_message = "cloudsql_tier must be a Cloud SQL tier such as db-custom-1-3840 or db-g1-small."
  }
}

variable "cloudsql_availability_type" {
  description = "ZONAL or REGIONAL (high availability) Cloud SQL instance."
  type        = string
  default     = "REGIONAL"

  validation {
    condition     = contains(["ZONAL", "REGIONAL"], var.cloudsql_availability_type)
    error_message = "cloudsql_availability_type must be ZONAL or REGIONAL."
  }
}

variable "database_name" {
  description = "PostgreSQL database of the control plane."
  type        = string
  default     = "etl_monitor"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must be a lowercase PostgreSQL identifier (letters, digits, underscores)."
  }
}

variable "database_user" {
  description = "PostgreSQL user of the control plane (its password is generated and stored in Secret Manager)."
  type        = string
  default     = "etl_monitor"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.database_user))
    error_message = "database_user must be a lowercase PostgreSQL identifier (letters, digits, underscores)."
  }
}

variable "bigquery_location" {
  description = "Location of the BigQuery datasets (EU, US or a region); load jobs run there."
  type        = string
  default     = "EU"
}

variable "bigquery_datasets" {
  description = "BigQuery datasets the extractor may load into (dataset ID => description). The ETL service account gets dataEditor on each."
  type        = map(string)
  default = {
    erp_raw = "Tables loaded from the Firebird ERP by ETL Monitor"
  }

  validation {
    condition     = length(var.bigquery_datasets) > 0 && alltrue([for id in keys(var.bigquery_datasets) : can(regex("^[A-Za-z0-9_]{1,1024}$", id))])
    error_message = "bigquery_datasets needs at least one dataset; IDs may contain only letters, digits and underscores."
  }
}

variable "k8s_namespace" {
  description = "Kubernetes namespace of the Helm release (control-plane ServiceAccount)."
  type        = string
  default     = "etl-monitor"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.k8s_namespace)) && length(var.k8s_namespace) <= 63
    error_message = "k8s_namespace must be a DNS-1123 label."
  }
}

variable "k8s_jobs_namespace" {
  description = "Kubernetes namespace of the ETL CronJobs/Jobs (Helm value jobs.namespace; same as k8s_namespace if unset)."
  type        = string
  default     = "etl-jobs"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.k8s_jobs_namespace)) && length(var.k8s_jobs_namespace) <= 63
    error_message = "k8s_jobs_namespace must be a DNS-1123 label."
  }
}

variable "k8s_control_plane_service_account" {
  description = "Name of the control-plane Kubernetes ServiceAccount (the chart's <fullname>; 'etl-monitor' for release etl-monitor)."
  type        = string
  default     = "etl-monitor"
}

variable "k8s_etl_service_account" {
  description = "Name of the extractor Kubernetes ServiceAccount (the chart's <fullname>-etl-job)."
  type        = string
  default     = "etl-monitor-etl-job"
}

variable "deletion_protection" {
  description = "Protect the GKE cluster and Cloud SQL instance from `terraform destroy`."
  type        = bool
  default     = true
}
