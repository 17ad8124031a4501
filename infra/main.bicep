// The integration's host on Azure Functions (Flex Consumption, Linux, Node.js), deployed into an
// existing resource group. infra/README.md says what each resource is for and how to deploy;
// docs/deploy.md walks the whole setup.
//
// Nothing secret is stored in app settings: the host signs in to Dataverse, finance and operations
// and Azure Storage with the Function App's system-assigned managed identity, and the two keys the
// callers present (the Dataverse service endpoint's key, the SCM data events key) live in Key Vault
// and reach the app as Key Vault references.

targetScope = 'resourceGroup'

@description('Short name used to derive resource names (lowercase letters and digits).')
@minLength(3)
@maxLength(11)
param baseName string = 'fsi'

@description('Azure region. Flex Consumption is not offered in every region: az functionapp list-flexconsumption-locations.')
param location string = resourceGroup().location

@description('Node.js version of the Function App (Flex Consumption runtime version).')
param nodeVersion string = '22'

@description('Most instances the app may scale out to (Flex Consumption: 40 to 1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance in MB (Flex Consumption instance sizes).')
@allowed([2048, 4096])
param instanceMemoryMB int = 2048

@description('Dataverse organization URL, no trailing slash: https://<org>.crm.dynamics.com')
param dataverseUrl string

@description('Finance and operations (SCM) environment URL, no trailing slash: https://<env>.operations.dynamics.com')
param scmUrl string

@description('Entra tenant of Dataverse, SCM and the validation API registration.')
param entraTenantId string = tenant().tenantId

@description('Application (client) id of the "FSI Validation API" app registration (docs/deploy.md §1).')
param validationApiClientId string

@description('Origins allowed to call the validation API from a browser (comma-separated): the org URL.')
param validationAllowedOrigins string = dataverseUrl

@description('systemuserid of the Function App identity\'s application user in Dataverse. Empty on the first deployment: the identity exists only once the app does (docs/deploy.md).')
param integrationUserId string = ''

@description('The SCM user the integration writes as (the user mapped to the Function App identity in "Microsoft Entra applications").')
param scmIntegrationUser string = 'FSI-Integration'

@description('What the host does with a save when SCM cannot be reached: fail-closed or fail-open.')
@allowed(['fail-closed', 'fail-open'])
param scmUnavailablePolicy string = 'fail-closed'

@description('Who syncs each two-way map, e.g. warehouses=dual-write (maps not named: the integration).')
param mapModes string = ''

@description('Prefix of every table and blob container of the host\'s state in the storage account.')
param storagePrefix string = 'fsi'

@description('Key of the Dataverse service endpoint (webhooks), at least 16 characters. Stored in Key Vault.')
@secure()
@minLength(16)
param webhookKey string

@description('Key SCM\'s data events endpoint sends as ?code=, at least 16 characters. Stored in Key Vault.')
@secure()
@minLength(16)
param scmEventsKey string

// Built-in role definitions (Learn: role-based-access-control/built-in-roles).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

var suffix = uniqueString(resourceGroup().id, baseName)
var storageAccountName = take('${baseName}${suffix}', 24)
var functionAppName = '${baseName}-host-${suffix}'
var keyVaultName = take('${baseName}-kv-${suffix}', 24)
// Flex Consumption deploys the app's zip to this blob container and runs from it.
var deploymentContainerName = 'app-package'
var entraAuthority = '${environment().authentication.loginEndpoint}${entraTenantId}'

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Identities only: the Functions host, the deployment and the state store use Entra ID.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${baseName}-logs-${suffix}'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${baseName}-insights-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    // Telemetry only with the app's Entra identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
    DisableLocalAuth: true
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
  }
}

resource webhookKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'fsi-webhook-key'
  properties: { value: webhookKey }
}

resource scmEventsKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'fsi-scm-events-key'
  properties: { value: scmEventsKey }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${baseName}-plan-${suffix}'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      // The host's own storage from the start (as Microsoft's Flex Consumption sample creates the
      // app); the full set follows in `appSettings`, once the identity has its roles.
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'node', version: nodeVersion }
    }
  }
  dependsOn: [deploymentContainer]
}

// The app's identity on its storage account: the Functions host's own storage
// (AzureWebJobsStorage, identity-based) and the deployment container need Blob Data Owner; the
// integration's state store (FSI_STATE_STORE=azure) needs Table Data Contributor and Blob Data
// Contributor. Blob Data Owner already grants what Blob Data Contributor does; both are assigned so
// that the state store keeps its access if the host's storage moves to another account.
var storageRoles = [roles.storageBlobDataOwner, roles.storageBlobDataContributor, roles.storageTableDataContributor]

resource storageAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(storage.id, app.id, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: app.identity.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource secretsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, app.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource telemetryAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, app.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// App settings as their own resource, after the role assignments: the identity exists only once
// the app does, and a Key Vault reference resolves only once that identity may read the secret
// (Learn app-service/app-service-key-vault-references.md, "Azure Resource Manager deployment").
var integrationUserSetting = empty(integrationUserId) ? {} : { FSI_INTEGRATION_USER_ID: integrationUserId }
var mapModesSetting = empty(mapModes) ? {} : { FSI_MAP_MODES: mapModes }

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(
    {
      // The Functions host's storage, through the app's identity.
      AzureWebJobsStorage__accountName: storage.name
      APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
      // Where the integration works.
      FSI_DATAVERSE_URL: dataverseUrl
      FSI_SCM_URL: scmUrl
      FSI_CREDENTIAL: 'managed-identity'
      FSI_SCM_INTEGRATION_USER: scmIntegrationUser
      FSI_SCM_UNAVAILABLE_POLICY: scmUnavailablePolicy
      // The shared state store: this storage account's tables and blobs.
      FSI_STATE_STORE: 'azure'
      FSI_STORAGE_TABLE_URL: storage.properties.primaryEndpoints.table
      FSI_STORAGE_BLOB_URL: storage.properties.primaryEndpoints.blob
      FSI_STORAGE_PREFIX: storagePrefix
      // The keys callers present, from Key Vault (versionless: a rotated secret is picked up).
      FSI_WEBHOOK_AUTH: 'HttpHeader'
      FSI_WEBHOOK_KEY: '@Microsoft.KeyVault(SecretUri=${webhookKeySecret.properties.secretUri})'
      FSI_SCM_EVENTS_KEY: '@Microsoft.KeyVault(SecretUri=${scmEventsKeySecret.properties.secretUri})'
      // The validation API's bearer tokens: v2.0 tokens of this tenant for the API registration.
      FSI_VALIDATION_ISSUER: '${entraAuthority}/v2.0'
      FSI_VALIDATION_AUDIENCE: validationApiClientId
      FSI_VALIDATION_JWKS_URL: '${entraAuthority}/discovery/v2.0/keys'
      FSI_VALIDATION_TENANT_ID: entraTenantId
      FSI_VALIDATION_SCOPE: 'Validate.Records'
      FSI_VALIDATION_ALLOWED_ORIGINS: validationAllowedOrigins
    },
    integrationUserSetting,
    mapModesSetting
  )
  dependsOn: [storageAccess, secretsAccess, telemetryAccess]
}

output functionAppName string = app.name
output hostUrl string = 'https://${app.properties.defaultHostName}'
output principalId string = app.identity.principalId
output storageAccountName string = storage.name
output keyVaultName string = vault.name
