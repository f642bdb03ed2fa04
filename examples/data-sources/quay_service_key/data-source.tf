data "quay_service_key" "builder" {
  kid = "5q4ZyLVn9pT6eYB3cHuE0dJmRk2wXaF7sNvGtQhIoPl"
}

output "builder_public_key" {
  value = data.quay_service_key.builder.public_key
}
