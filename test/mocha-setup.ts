// Same as the CLI (bin/drdrill.js): the SDK's notice that releases after January 2027 need Node 22
// would otherwise print in the middle of test output, once per process.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
