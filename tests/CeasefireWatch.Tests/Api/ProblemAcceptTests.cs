using System.Net;
using System.Net.Http.Json;
using CeasefireWatch.Tests.Infrastructure;

namespace CeasefireWatch.Tests.Api;

/// <summary>
/// The API answers its errors as problem details whatever the caller says it accepts (CONTRACT.md): a spreadsheet fetching
/// an export asks for <c>text/csv</c>, a browser for <c>text/html</c>. The framework writes problem details only for a
/// caller that accepts JSON; before, a wrong key from such a caller was a 500 and its other errors an HTML page.
/// </summary>
public sealed class ProblemAcceptTests(CeasefireWatchFactory app) : IClassFixture<CeasefireWatchFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> NotJson => ["text/html", "text/csv", "application/xml", "text/html,application/xhtml+xml;q=0.9"];

    private static HttpRequestMessage Get(string path, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);
        return request;
    }

    /// <summary>The framework's own writer wrote it, as for a caller accepting JSON: the trace id it adds is there.</summary>
    private static async Task AssertFrameworkProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var problem = await Problems.AssertProblemAsync(response, status);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
    }

    [Theory]
    [MemberData(nameof(NotJson))]
    public async Task No_key_or_a_wrong_one_is_a_401_problem_not_a_500(string accept)
    {
        foreach (var (client, withKey) in new[] { (app.CreateBrowser(), false), (app.CreateApiClient("not-a-key-of-this-app-0123456789"), true) })
        {
            foreach (var path in new[] { "/api/incidents", "/api/timeline.csv", "/openapi/v1.json" })
            {
                using var request = Get(path, accept);
                using var response = await client.SendAsync(request, Ct);
                if (path == "/openapi/v1.json" && !withKey && accept.StartsWith("text/html", StringComparison.Ordinal))
                {
                    // A person following the document's link in a browser is sent to sign in.
                    Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                    continue;
                }

                await AssertFrameworkProblemAsync(response, HttpStatusCode.Unauthorized);
            }
        }
    }

    [Theory]
    [MemberData(nameof(NotJson))]
    public async Task A_bad_query_a_missing_incident_and_an_unknown_call_are_problems(string accept)
    {
        var client = app.CreateApiClient();

        using (var badFilter = await client.SendAsync(Get("/api/timeline.csv?from=yesterday", accept), Ct))
        {
            await Problems.AssertValidationProblemAsync(badFilter, "from");
        }

        using (var missing = await client.SendAsync(Get("/api/incidents/987654321", accept), Ct))
        {
            await AssertFrameworkProblemAsync(missing, HttpStatusCode.NotFound);
        }

        using (var unknown = await client.SendAsync(Get("/api/no-such-call", accept), Ct))
        {
            await AssertFrameworkProblemAsync(unknown, HttpStatusCode.NotFound);
        }
    }

    [Theory]
    [MemberData(nameof(NotJson))]
    public async Task A_role_that_may_not_and_an_invalid_report_are_problems_and_store_nothing(string accept)
    {
        var viewer = app.CreateApiClient(await app.CreateApiKeyAsync("Viewer"));
        var before = (await app.CreateApiClient().GetFromJsonAsync<Paged>("/api/incidents", Ct))!.Total;

        using var forbidden = new HttpRequestMessage(HttpMethod.Post, "/api/incidents") { Content = JsonContent.Create(new { title = "x" }) };
        forbidden.Headers.Accept.ParseAdd(accept);
        await AssertFrameworkProblemAsync(await viewer.SendAsync(forbidden, Ct), HttpStatusCode.Forbidden);

        var body = CeasefireWatchFactory.IncidentBody(app.Now);
        body["title"] = "";
        using var invalid = new HttpRequestMessage(HttpMethod.Post, "/api/incidents") { Content = JsonContent.Create(body) };
        invalid.Headers.Accept.ParseAdd(accept);
        await Problems.AssertValidationProblemAsync(await app.CreateApiClient().SendAsync(invalid, Ct), "title");

        Assert.Equal(before, (await app.CreateApiClient().GetFromJsonAsync<Paged>("/api/incidents", Ct))!.Total);
    }

    [Theory]
    [MemberData(nameof(NotJson))]
    public async Task A_page_asked_for_with_a_wrong_key_or_by_a_role_that_may_not_is_a_problem_not_a_500(string accept)
    {
        foreach (var path in new[] { "/", "/Incidents", "/Admin/Users" })
        {
            using var wrongKey = await app.CreateApiClient("not-a-key-of-this-app-0123456789").SendAsync(Get(path, accept), Ct);
            await AssertFrameworkProblemAsync(wrongKey, HttpStatusCode.Unauthorized);
        }

        // The Supervisor's key may read the dashboard, not administer accounts.
        using (var page = await app.CreateApiClient().SendAsync(Get("/Incidents", accept), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using var admin = await app.CreateApiClient().SendAsync(Get("/Admin/Users", accept), Ct);
        await AssertFrameworkProblemAsync(admin, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Wrong_keys_beyond_the_limit_get_a_429_problem_from_a_caller_that_accepts_only_html()
    {
        await using var throttled = new CeasefireWatchFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Security:CredentialGuessing:FailureLimit"] = "2",
                ["Security:CredentialGuessing:Window"] = "00:01:00",
            },
        };
        var guesser = throttled.CreateApiClient("cw_guess_2222222222222222222222222222");
        for (var i = 0; i < 2; i++)
        {
            await AssertFrameworkProblemAsync(await guesser.SendAsync(Get("/api/incidents", "text/html"), Ct), HttpStatusCode.Unauthorized);
        }

        using var refused = await guesser.SendAsync(Get("/api/incidents", "text/html"), Ct);
        await AssertFrameworkProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);

        // A key sent to a page is a program's too: it is told by a problem, not by the sign-in page's words.
        using var atPage = await guesser.SendAsync(Get("/Incidents", "text/html"), Ct);
        await AssertFrameworkProblemAsync(atPage, HttpStatusCode.TooManyRequests);
        Assert.NotNull(atPage.Headers.RetryAfter);
    }

    private sealed record Paged(int Total);
}
