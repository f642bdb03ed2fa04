import {
  to = quay_service_key.builder
  id = "5q4ZyLVn9pT6eYB3cHuE0dJmRk2wXaF7sNvGtQhIoPl"
}
