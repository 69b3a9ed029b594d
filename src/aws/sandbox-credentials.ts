/** The sandbox does not check signatures; these only give the SDK (or the AWS CLI) something to sign with. */
export const SANDBOX_CREDENTIALS = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } as const;
