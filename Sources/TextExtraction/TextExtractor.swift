/// Placeholder so the target builds; the extractor lands in this module.
enum TextExtractionPlaceholder {}
