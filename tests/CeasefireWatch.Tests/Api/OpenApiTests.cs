using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace CeasefireWatch.Tests.Api;

/// <summary><c>/openapi/v1.json</c> validated as OpenAPI 3 with Microsoft.OpenApi, and the API reference page.</summary>
public sealed class OpenApiTests(CeasefireWatchFactory app) : IClassFixture<CeasefireWatchFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(OpenApiDocument Document, OpenApiDiagnostic Diagnostic)> ReadDocumentAsync()
    {
        using var response = await app.CreateApiClient().GetAsync("/openapi/v1.json", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var result = OpenApiDocument.Parse(text, OpenApiConstants.Json, new OpenApiReaderSettings());
        Assert.NotNull(result.Document);
        return (result.Document!, result.Diagnostic!);
    }

    [Fact]
    public async Task The_document_is_valid_openapi_3_and_describes_every_api_call()
    {
        var (document, diagnostic) = await ReadDocumentAsync();

        Assert.Empty(diagnostic.Errors.Select(e => e.ToString()));
        Assert.StartsWith("3.", diagnostic.SpecificationVersion.ToString().Replace("OpenApi", string.Empty, StringComparison.Ordinal).Replace('_', '.'), StringComparison.Ordinal);
        var validation = document.Validate(Microsoft.OpenApi.ValidationRuleSet.GetDefaultRuleSet());
        Assert.Empty(validation?.Select(e => e.ToString()) ?? []);

        // Every route mapped under /api, with its method, is a described operation with a summary.
        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Path: Normalise(e.RoutePattern.RawText!))))
            .ToList();
        Assert.Contains(mapped, m => m is ("POST", "/api/imports"));
        Assert.Contains(mapped, m => m is ("GET", "/api/incidents.csv"));
        foreach (var (method, path) in mapped)
        {
            Assert.True(document.Paths.TryGetValue(path, out var item), $"{path} is not in the document.");
            var operation = item!.Operations!.SingleOrDefault(o => o.Key.Method.Equals(method, StringComparison.OrdinalIgnoreCase)).Value;
            Assert.True(operation is not null, $"{method} {path} is not in the document.");
            Assert.False(string.IsNullOrWhiteSpace(operation!.Summary), $"{method} {path} has no summary.");
            Assert.False(string.IsNullOrWhiteSpace(operation.OperationId), $"{method} {path} has no operation id (a named method).");
        }
    }

    [Fact]
    public async Task The_document_names_the_api_key_scheme_enums_by_name_and_problem_answers()
    {
        var (document, _) = await ReadDocumentAsync();

        var scheme = document.Components!.SecuritySchemes!["ApiKey"];
        Assert.Equal(SecuritySchemeType.ApiKey, scheme.Type);
        Assert.Equal(ParameterLocation.Header, scheme.In);
        Assert.Equal("X-Api-Key", scheme.Name);
        Assert.NotEmpty(document.Security!);

        var stage = document.Components.Schemas!["Stage"];
        Assert.Equal(["UkrainianForces", "Coalition", "UsBackstop"], stage.Enum!.Select(v => v!.GetValue<string>()));
        var violation = document.Components.Schemas["ViolationType"];
        Assert.Contains("AirspaceViolation", violation.Enum!.Select(v => v!.GetValue<string>()));

        var log = document.Paths["/api/incidents"].Operations![HttpMethod.Post];
        Assert.Contains("201", log.Responses!.Keys);
        Assert.Contains("application/problem+json", log.Responses["400"].Content!.Keys);
        var escalate = document.Paths["/api/incidents/{id}/escalate"].Operations![HttpMethod.Post];
        Assert.All(["400", "403", "404", "409"], status => Assert.Contains(status, escalate.Responses!.Keys));
        // Found from outside: these calls answered 400, 401, 403 and 404 that the document did not declare.
        foreach (var (path, method, statuses) in new (string, HttpMethod, string[])[]
        {
            ("/api/notification-rules", HttpMethod.Post, ["400", "401", "403"]),
            ("/api/notification-rules", HttpMethod.Get, ["401", "403"]),
            ("/api/notification-rules/{id}", HttpMethod.Get, ["401", "403", "404"]),
            ("/api/notification-rules/{id}", HttpMethod.Delete, ["401", "403", "404"]),
            ("/api/notifications", HttpMethod.Get, ["400", "401", "403"]),
            ("/api/coalition", HttpMethod.Get, ["401"]),
            ("/api/incidents/{id}/timeline.csv", HttpMethod.Get, ["400", "401", "404"]),
        })
        {
            var responses = document.Paths[path].Operations![method].Responses!.Keys;
            Assert.All(statuses, status => Assert.True(responses.Contains(status), $"{method} {path} does not declare {status}: {string.Join(", ", responses)}"));
        }

        var import = document.Paths["/api/imports"].Operations![HttpMethod.Post];
        Assert.Contains("multipart/form-data", import.RequestBody!.Content!.Keys);
        Assert.Contains("413", import.Responses!.Keys);

        // Bound as text so a bad value is named in the 400 (QueryValues), described as what they take.
        var list = document.Paths["/api/incidents"].Operations![HttpMethod.Get];
        Assert.Equal(JsonSchemaType.Integer, QueryParameter(list, "page").Schema!.Type);
        Assert.Equal(JsonSchemaType.Integer, QueryParameter(list, "pageSize").Schema!.Type);
        Assert.Equal(JsonSchemaType.String, QueryParameter(list, "oblast").Schema!.Type & JsonSchemaType.String);
        Assert.Equal(JsonSchemaType.Boolean, QueryParameter(document.Paths["/api/timeline.csv"].Operations![HttpMethod.Get], "bom").Schema!.Type);
        Assert.Equal(JsonSchemaType.Integer, QueryParameter(document.Paths["/api/notifications"].Operations![HttpMethod.Get], "pageSize").Schema!.Type);
        Assert.Equal(JsonSchemaType.Boolean, QueryParameter(import, "dryRun").Schema!.Type);

        // The query names as CONTRACT.md spells them (a client generated from the document sends these).
        Assert.Subset(list.Parameters!.Select(p => p.Name).ToHashSet(), new HashSet<string?> { "status", "stage", "oblast", "from", "to", "page", "pageSize" });
        foreach (var export in new[] { "/api/timeline.csv", "/api/incidents.csv" })
        {
            Assert.Subset(document.Paths[export].Operations![HttpMethod.Get].Parameters!.Select(p => p.Name).ToHashSet(),
                new HashSet<string?> { "status", "stage", "oblast", "from", "to", "bom" });
        }
    }

    [Fact]
    public async Task Each_call_describes_its_own_body_and_the_csv_answers_are_csv()
    {
        var (document, _) = await ReadDocumentAsync();

        // Every request is a nested Command or Query: each body must point at a schema of its own, with its own fields.
        var bodies = new Dictionary<string, (HttpMethod Method, string Field)>
        {
            ["/api/incidents"] = (HttpMethod.Post, "title"),
            ["/api/incidents/{id}/escalate"] = (HttpMethod.Post, "toStage"),
            ["/api/incidents/{id}/acknowledgements"] = (HttpMethod.Post, "country"),
            ["/api/incidents/{id}/merge"] = (HttpMethod.Post, "intoId"),
            ["/api/notification-rules"] = (HttpMethod.Post, "channel"),
        };
        var schemas = new HashSet<string>();
        foreach (var (path, (method, field)) in bodies)
        {
            var body = document.Paths[path].Operations![method].RequestBody!.Content!["application/json"].Schema;
            var reference = Assert.IsType<OpenApiSchemaReference>(body);
            Assert.True(schemas.Add(reference.Reference.Id!), $"{path} shares the schema {reference.Reference.Id}.");
            Assert.Contains(field, document.Components!.Schemas![reference.Reference.Id!].Properties!.Keys);
        }

        var escalate = document.Components!.Schemas!["EscalateIncidentCommand"];
        Assert.DoesNotContain("title", escalate.Properties!.Keys);
        Assert.DoesNotContain("incidentId", escalate.Properties!.Keys);

        foreach (var export in new[] { "/api/timeline.csv", "/api/incidents.csv", "/api/incidents/{id}/timeline.csv" })
        {
            Assert.Contains("text/csv", document.Paths[export].Operations![HttpMethod.Get].Responses!["200"].Content!.Keys);
        }
    }

    private static IOpenApiParameter QueryParameter(OpenApiOperation operation, string name) =>
        Assert.Single(operation.Parameters!, p => p.In == ParameterLocation.Query && p.Name == name);

    [Fact]
    public async Task The_document_needs_a_key_or_a_session_like_the_api()
    {
        // A person following the link in a browser is sent to sign in, and comes back to the document.
        using var inBrowser = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        inBrowser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        using var person = await app.CreateBrowser().SendAsync(inBrowser, Ct);
        Assert.Equal(HttpStatusCode.Redirect, person.StatusCode);
        Assert.Contains("/Account/SignIn", person.Headers.Location?.OriginalString, StringComparison.Ordinal);

        // A program (a client generator, an API tool) asking without a key is told so, as the API tells it: a redirect
        // to an HTML sign-in page would only break its parser. In any case, none of the document is sent.
        foreach (var accept in new[] { null, "application/json", "*/*", "application/json, text/plain" })
        {
            using var fromProgram = new HttpRequestMessage(HttpMethod.Get, "/OpenAPI/v1.json");
            if (accept is not null)
            {
                fromProgram.Headers.Accept.ParseAdd(accept);
            }

            using var program = await app.CreateBrowser().SendAsync(fromProgram, Ct);
            var problem = await Problems.AssertProblemAsync(program, HttpStatusCode.Unauthorized);
            Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("\"paths\"", await program.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        // A wrong key is refused with the problem even when the caller also accepts HTML: a key is a program's answer.
        using var withWrongKey = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        withWrongKey.Headers.Accept.ParseAdd("text/html");
        using var wrongKey = await app.CreateApiClient("not-a-key-0123456789").SendAsync(withWrongKey, Ct);
        await Problems.AssertProblemAsync(wrongKey, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_reference_page_loads_scalar_from_this_server_with_no_inline_script_and_the_footer_links_it()
    {
        var person = await app.SignedInAsRoleAsync("Viewer");

        using var page = await person.GetAsync(new Uri("/api-reference", UriKind.Relative), Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<script src=\"/api-reference/scalar.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html.Replace("http-equiv", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);

        using var bundle = await person.GetAsync(new Uri("/api-reference/scalar.js", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Equal("text/javascript", bundle.Content.Headers.ContentType?.MediaType);
        Assert.Contains("createApiReference", await bundle.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // Everywhere else the strict policy stands, and the footer links the reference.
        using var home = await person.GetAsync(new Uri("/", UriKind.Relative), Ct);
        Assert.Contains("style-src 'self';", home.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("href=\"/api-reference\"", await home.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    /// <summary>"/api/incidents/{id:int}/" as OpenAPI writes it: "/api/incidents/{id}".</summary>
    private static string Normalise(string pattern)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{(\w+):[^}]+\}", "{$1}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }
    /// <summary>
    /// Found from outside, by calling each route and looking its status up in the document: an import sent as anything but
    /// a multipart form is a 415, and the likely duplicates of a missing incident a 404, neither of which the document
    /// listed (a generated client treats an undeclared status as unexpected).
    /// </summary>
    [Theory]
    [InlineData("POST", "/api/imports", "/api/imports", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("GET", "/api/incidents/987654/duplicates", "/api/incidents/{id}/duplicates", HttpStatusCode.NotFound)]
    public async Task A_status_a_call_answers_is_one_the_document_lists_for_it(string method, string url, string path, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method == "POST")
        {
            request.Content = new StringContent("title,occurred_at,oblast\r\n", System.Text.Encoding.UTF8, "text/csv");
        }

        using var response = await app.CreateApiClient().SendAsync(request, Ct);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        var (document, _) = await ReadDocumentAsync();
        var operation = document.Paths[path].Operations!.Single(o => o.Key.Method.Equals(method, StringComparison.OrdinalIgnoreCase)).Value;
        Assert.True(operation.Responses!.ContainsKey(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            $"{method} {path} answers {(int)status}, which the document does not list ({string.Join(", ", operation.Responses.Keys)}).");
    }
    /// <summary>
    /// Found from outside: the import's multipart body was described as a bare binary string, so the document did not say
    /// the CSV goes in the form field <c>file</c> (CONTRACT.md), and a client generated from it sent the file under no name
    /// (a 400 "Attach a CSV file in the form field 'file'").
    /// </summary>
    [Fact]
    public async Task The_import_body_is_a_multipart_form_with_its_required_file_field()
    {
        var (document, _) = await ReadDocumentAsync();

        var body = document.Paths["/api/imports"].Operations![HttpMethod.Post].RequestBody!;
        var schema = body.Content!["multipart/form-data"].Schema!;
        Assert.Equal(JsonSchemaType.Object, schema.Type & JsonSchemaType.Object);
        var file = Assert.Contains("file", schema.Properties!);
        Assert.Equal((JsonSchemaType.String, "binary"), (file.Type!.Value & ~JsonSchemaType.Null, file.Format));
        Assert.Contains("file", schema.Required!);
    }
    /// <summary>
    /// Found from outside: CONTRACT.md says any call meeting a storage failure is a 503 problem (with Retry-After) and an
    /// unknown API key beyond the rate a 429, but no operation in the document listed either.
    /// </summary>
    [Fact]
    public async Task Every_call_lists_the_storage_failure_503_and_the_credential_guessing_429()
    {
        var (document, _) = await ReadDocumentAsync();

        var operations = document.Paths.SelectMany(p => p.Value.Operations!.Select(o => (Name: $"{o.Key} {p.Key}", Operation: o.Value))).ToList();
        Assert.True(operations.Count > 20);
        Assert.All(operations, o => Assert.True(o.Operation.Responses!.ContainsKey("503") && o.Operation.Responses.ContainsKey("429"),
            $"{o.Name} lists {string.Join(", ", o.Operation.Responses!.Keys)}"));
        Assert.Contains("application/problem+json", document.Paths["/api/imports"].Operations![HttpMethod.Post].Responses!["503"].Content!.Keys);
    }
}
