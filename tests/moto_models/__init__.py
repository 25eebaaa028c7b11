"""moto CloudFormation models for types moto lacks; the module name after the dot is the AWS service."""
