using System.Text.Json.Nodes;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CeasefireWatch.Web.Infrastructure;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) and the readable API reference (<c>/api-reference</c>, Scalar,
/// served from the package itself: no CDN). Both need a signed-in Viewer or an API key, like the API they describe.
/// </summary>
internal static class ApiDocumentation
{
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>Whether a request asks for an OpenAPI document (any version, any case).</summary>
    public static bool IsDocument(PathString path) => path.StartsWithSegments("/openapi");
    public const string ReferencePath = "/api-reference";
    public const string ApiKeyScheme = "ApiKey";

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            // Each use case's request is a nested type named Command or Query (LogIncident.Command, EscalateIncident.Command):
            // by the default, named by the type alone, they would all share one schema, "Command". Named with the use case.
            options.CreateSchemaReferenceId = type =>
                type.Type.DeclaringType is { } useCase && OpenApiOptions.CreateDefaultSchemaReferenceId(type) is { } name
                    ? useCase.Name + name
                    : OpenApiOptions.CreateDefaultSchemaReferenceId(type);

            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "CeasefireWatch API",
                    Version = "v1",
                    Description =
                        "Ceasefire-violation incidents and their escalation through three tiers (CONTRACT.md). Send `X-Api-Key`, " +
                        "or use a signed-in browser session (unsafe calls then need the antiforgery token). Errors are RFC 9457 " +
                        "problem details; a validation failure is a 400 with `errors` keyed by field. Names (stage, status, " +
                        "violationType, …) travel as the exact strings listed in each schema; times are ISO 8601 with an offset in, UTC out.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthenticationHandler.HeaderName,
                    Description = "An API key made by an administrator (Admin → API keys); it carries one role.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] }];
                return Task.CompletedTask;
            });

            // The API binds its optional numbers and flags in the query as text and reads them itself (Api.QueryValues),
            // so that one that does not parse is named in the 400; the document says what they take.
            options.AddOperationTransformer((operation, _, _) =>
            {
                foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
                {
                    if (parameter.In == ParameterLocation.Query && Api.QueryValues.DeclaredType(parameter.Name) is { } type)
                    {
                        parameter.Schema = new OpenApiSchema { Type = type, Format = type == JsonSchemaType.Integer ? "int32" : null };
                    }
                }

                return Task.CompletedTask;
            });

            // The app reads and writes enums by name only (ContractEnumConverterFactory), which the generator cannot
            // see: without this every enum would be described as an integer.
            options.AddSchemaTransformer((schema, context, _) =>
            {
                var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
                if (type.IsEnum)
                {
                    schema.Type = JsonSchemaType.String;
                    schema.Format = null;
                    schema.Enum = [.. Enum.GetNames(type).Select(name => (JsonNode)JsonValue.Create(name))];
                }

                return Task.CompletedTask;
            });
        });

    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).RequireAuthorization(Policies.Read);

        // Scalar's own page starts itself with an inline script, which this app's CSP forbids; the reference page
        // (Pages/ApiReference.cshtml) loads the same bundle, shipped inside the package, from here instead.
        app.MapGet(ReferencePath + "/scalar.js", ScalarBundle).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>The Scalar API reference bundle embedded in Scalar.AspNetCore (no CDN), decompressed if stored compressed.</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.FileStreamHttpResult ScalarBundle()
    {
        var assembly = typeof(Scalar.AspNetCore.ScalarOptions).Assembly;
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith(".scalar.js", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("Scalar.AspNetCore no longer embeds scalar.js; see docs/operations.md (API reference).");
        var stream = assembly.GetManifestResourceStream(name)!;
        var head = new byte[2];
        var gzip = stream.Read(head, 0, 2) == 2 && head[0] == 0x1f && head[1] == 0x8b;
        stream.Position = 0;
        Stream body = gzip ? new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress) : stream;
        return TypedResults.Stream(body, "text/javascript; charset=utf-8");
    }
}
