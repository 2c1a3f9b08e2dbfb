/// The version `backprop --version` prints. Raise it with each release: the minor number for new
/// commands, options or file formats, the patch number for fixes.
let backpropVersion = "0.3.0"
