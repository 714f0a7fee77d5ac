"""The GraphQL machinery: bounds, extensions, input checks, library internals."""
