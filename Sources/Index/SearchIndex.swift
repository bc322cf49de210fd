/// Placeholder so the target builds; the index lands in this module.
enum IndexPlaceholder {}
