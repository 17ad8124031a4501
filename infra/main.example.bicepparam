// Copy to main.bicepparam and fill in (docs/deploy.md, "Deploy the Azure resources"). The two keys
// are read from the shell at deployment time, so they are never written to a file:
//   export FSI_WEBHOOK_KEY=$(openssl rand -base64 48) FSI_SCM_EVENTS_KEY=$(openssl rand -base64 48)
using './main.bicep'

param baseName = 'fsi'
param dataverseUrl = 'https://contoso.crm.dynamics.com'
param scmUrl = 'https://contoso.operations.dynamics.com'
param validationApiClientId = '11111111-2222-3333-4444-555555555555'
// Empty on the first deployment; then the systemuserid of the app's application user in Dataverse.
param integrationUserId = ''
param webhookKey = readEnvironmentVariable('FSI_WEBHOOK_KEY')
param scmEventsKey = readEnvironmentVariable('FSI_SCM_EVENTS_KEY')
