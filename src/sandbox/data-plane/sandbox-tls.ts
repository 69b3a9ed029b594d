/**
 * The sandbox's TLS identity for HTTPS health checks and clients: a self-signed EC key made
 * for the sandbox and published with it. It protects nothing (loopback only, never trusted by
 * default); Route 53 does not validate certificates, so HTTPS checks accept it as they would on AWS.
 */
export const SANDBOX_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZIvQyGhCTY1UnO0w
OWkpjE71A02VMhYwSGayOAw628ShRANCAAQX53I1TUofLmq3QYJsacbr79vtAzpC
VxkgEkBMSbZnNtzuN5TPBUjw8YaSvhWx4JGKx7AwQy41gZf02A9PdVdf
-----END PRIVATE KEY-----
`;

/** Self-signed, CN=drdrill-sandbox, SAN *.drdrill.test and the execute-api hosts; valid for 100 years. */
export const SANDBOX_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIICEjCCAbegAwIBAgIUQ0L6HPp2dzE0YqOe6w8dtv6ipuAwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPZHJkcmlsbC1zYW5kYm94MCAXDTI2MTEyMDIyMTMyNFoYDzIx
MjYxMDI3MjIxMzI0WjAaMRgwFgYDVQQDDA9kcmRyaWxsLXNhbmRib3gwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAAQX53I1TUofLmq3QYJsacbr79vtAzpCVxkgEkBM
SbZnNtzuN5TPBUjw8YaSvhWx4JGKx7AwQy41gZf02A9PdVdfo4HYMIHVMB0GA1Ud
DgQWBBRLXLtbRej/O8bnj0NBTQIsiEfTyDAfBgNVHSMEGDAWgBRLXLtbRej/O8bn
j0NBTQIsiEfTyDAPBgNVHRMBAf8EBTADAQH/MIGBBgNVHREEejB4gg4qLmRyZHJp
bGwudGVzdIIMZHJkcmlsbC50ZXN0giUqLmV4ZWN1dGUtYXBpLnVzLWVhc3QtMS5h
bWF6b25hd3MuY29tgiUqLmV4ZWN1dGUtYXBpLnVzLXdlc3QtMi5hbWF6b25hd3Mu
Y29thwR/AAAChwR/AAADMAoGCCqGSM49BAMCA0kAMEYCIQCsvywZyS80/ukglQZz
0qt1g4/ENt9UNvjHAevt2E3dSgIhAPa0THMBXaZDEOnKlHDgA1m5L7sf/tahRwLR
q1Q70L8A
-----END CERTIFICATE-----
`;
