// Resolves to Node's built-in module, as the registry's placeholder package does.
module.exports = require("node:fs");
