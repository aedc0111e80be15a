using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CeasefireWatch.Tests.Infrastructure;

namespace CeasefireWatch.Tests.Security;

/// <summary>
/// Nothing without an identity but the sign-in page, <c>/health</c> and static files: a browser is sent to sign in
/// (and back afterwards), an API caller gets a 401 problem, a wrong key is a 401 too.
/// </summary>
public sealed partial class AccessTests(CeasefireWatchFactory app) : IClassFixture<CeasefireWatchFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/")]
    [InlineData("/Wall")]
    [InlineData("/Incidents")]
    [InlineData("/Incidents?status=Active&oblast=Odesa")]
    [InlineData("/Incidents/New")]
    [InlineData("/Incidents/1")]
    [InlineData("/Reference")]
    [InlineData("/Admin/Users")]
    [InlineData("/Admin/ApiKeys")]
    [InlineData("/Admin/SecurityLog")]
    [InlineData("/Notifications")]
    [InlineData("/Notifications/Deliveries")]
    public async Task A_page_sends_someone_not_signed_in_to_sign_in_and_remembers_where_they_were_going(string path)
    {
        using var response = await app.CreateBrowser().GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location?.PathAndQuery() ?? string.Empty;
        Assert.StartsWith("/Account/SignIn?ReturnUrl=", location, StringComparison.Ordinal);
        Assert.Equal(path, Uri.UnescapeDataString(location["/Account/SignIn?ReturnUrl=".Length..]));
    }

    // The redirect to sign-in was built from the request's Host header (AllowedHosts is "*"): a request naming another
    // host was sent to that host's sign-in page, which a shared cache keyed on the path alone could hand to others.
    [Fact]
    public async Task The_redirect_to_sign_in_stays_on_this_site_whatever_host_the_request_names()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Incidents");
        request.Headers.Host = "evil.example";

        using var response = await app.CreateBrowser().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/SignIn?ReturnUrl=%2FIncidents", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_form_post_without_a_session_changes_nothing()
    {
        var incident = await app.LogIncidentAsync(app.CreateApiClient());
        var before = await RoleMatrix.FingerprintAsync(app);
        var browser = app.CreateBrowser();
        var token = Browser.Token(await browser.GetHtmlAsync("/Account/SignIn"));
        using var content = new FormUrlEncodedContent([new("Note.Text", "anonymous"), new("__RequestVerificationToken", token)]);

        using var response = await browser.PostAsync(new Uri($"/Incidents/{incident.Id}?handler=Note", UriKind.Relative), content, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/SignIn", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(before, await RoleMatrix.FingerprintAsync(app));
    }

    public static TheoryData<string, string> ApiCalls => new()
    {
        { "GET", "/api/incidents" },
        { "GET", "/api/incidents/1" },
        { "GET", "/api/incidents/1/timeline.csv" },
        { "GET", "/api/timeline.csv" },
        { "GET", "/api/stats" },
        { "POST", "/api/incidents" },
        { "POST", "/api/incidents/1/reports" },
        { "POST", "/api/incidents/1/notes" },
        { "POST", "/api/incidents/1/diplomatic-warning" },
        { "POST", "/api/incidents/1/reports/1/verify" },
        { "POST", "/api/incidents/1/resolve" },
        { "POST", "/api/incidents/1/reopen" },
        { "POST", "/api/incidents/1/escalate" },
        { "POST", "/api/notification-rules" },
        { "GET", "/api/notification-rules" },
        { "GET", "/api/notification-rules/1" },
        { "DELETE", "/api/notification-rules/1" },
        { "GET", "/api/notifications" },
    };

    [Theory]
    [MemberData(nameof(ApiCalls))]
    public async Task An_api_call_without_a_key_or_with_a_wrong_one_is_a_401_problem_and_changes_nothing(string method, string path)
    {
        var before = await RoleMatrix.FingerprintAsync(app);
        foreach (var client in new[] { app.CreateClient(), app.CreateApiClient("not-a-key-of-this-app-0123456789") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST")
            {
                request.Content = JsonContent.Create(new { text = "x", reason = "x" });
            }

            using var response = await client.SendAsync(request, Ct);

            await Problems.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        }

        Assert.Equal(before, await RoleMatrix.FingerprintAsync(app));
    }

    [Fact]
    public async Task The_live_hub_refuses_a_connection_without_an_identity()
    {
        using var response = await app.CreateBrowser().PostAsync(new Uri("/hubs/live/negotiate?negotiateVersion=1", UriKind.Relative), null, Ct);

        await Problems.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    // Cross-site WebSocket hijacking: the cookie goes with a handshake from any page of the same site, so the hub
    // checks the page's origin itself.
    [Theory]
    [InlineData(null, HttpStatusCode.OK)]
    [InlineData("http://localhost", HttpStatusCode.OK)]
    [InlineData("https://LOCALHOST", HttpStatusCode.OK)]
    [InlineData("http://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("http://localhost:8080", HttpStatusCode.Forbidden)]
    [InlineData("http://localhost.evil.example", HttpStatusCode.Forbidden)]
    [InlineData("null", HttpStatusCode.Forbidden)]
    [InlineData("https://cw.example.org:8443", HttpStatusCode.OK, "cw.example.org:8443")] // a proxy naming the public host
    [InlineData("https://evil.example", HttpStatusCode.Forbidden, "cw.example.org")]
    public async Task The_live_hub_answers_only_pages_of_its_own_origin(string? origin, HttpStatusCode expected, string? forwardedHost = null)
    {
        var person = await app.SignedInAsRoleAsync(Web.Infrastructure.Security.Roles.Viewer);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/live/negotiate?negotiateVersion=1");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (forwardedHost is not null)
        {
            request.Headers.Add("X-Forwarded-Host", forwardedHost);
        }

        using var response = await person.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            await Problems.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task Sign_in_health_and_static_files_need_no_identity()
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var signIn = await client.GetAsync("/Account/SignIn", Ct);
        using var health = await client.GetAsync("/health", Ct);
        var html = await signIn.Content.ReadAsStringAsync(Ct);
        var stylesheet = StylesheetLink().Match(html).Groups["href"].Value;
        using var css = await client.GetAsync(stylesheet, Ct);
        using var script = await client.GetAsync("/js/site.js", Ct);

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("\"status\":\"Healthy\"", await health.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.StartsWith("/css/", stylesheet, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [GeneratedRegex("<link[^>]*rel=\"stylesheet\"[^>]*href=\"(?<href>[^\"]+)\"")]
    private static partial Regex StylesheetLink();
}
