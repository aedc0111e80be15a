using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using CeasefireWatch.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace CeasefireWatch.Tests.Security;

/// <summary>
/// Security headers on pages and API alike, HSTS and HTTPS outside Development, no inline script or style anywhere
/// (the CSP forbids them, so one would silently break), and user text rendered as text on every page that shows it.
/// </summary>
public sealed partial class HardeningTests(CeasefireWatchFactory app) : IClassFixture<CeasefireWatchFactory>
{
    private const string ScriptPayload = "<script>alert(1)</script>";
    private const string AttributePayload = "\"><img src=x onerror=alert(1)>";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/Account/SignIn", false)]
    [InlineData("/", true)]
    [InlineData("/Incidents", true)]
    [InlineData("/api/stats", true)]
    [InlineData("/api/incidents/999999", true)]
    [InlineData("/health", false)]
    public async Task Every_answer_carries_the_security_headers(string path, bool signedIn)
    {
        var client = signedIn ? await app.SignedInAsAdminAsync() : app.CreateBrowser();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d);
        Assert.Equal("script-src 'self'", directives["script-src"]);
        Assert.Equal("style-src 'self'", directives["style-src"]);
        Assert.Equal("frame-ancestors 'none'", directives["frame-ancestors"]);
        Assert.Equal("object-src 'none'", directives["object-src"]);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Outside_development_http_is_redirected_to_https_and_https_answers_carry_hsts()
    {
        // https_port tells the redirection where HTTPS listens; Kestrel with an HTTPS endpoint tells it by itself.
        await using var production = app.WithWebHostBuilder(b => b.UseEnvironment("Production").UseSetting("https_port", "443"));
        var plain = production.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("http://cw.example.org") });
        var secure = production.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("https://cw.example.org") });

        using var redirected = await plain.GetAsync("/health", Ct);
        using var answered = await secure.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
        Assert.Equal("https", redirected.Headers.Location?.Scheme);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.StartsWith("max-age=", Assert.Single(answered.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_https_the_session_cookie_is_secure()
    {
        var secure = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("https://localhost") });
        using var page = await secure.GetAsync("/Account/SignIn", Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        var antiforgery = page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]);
        using var form = new FormUrlEncodedContent([
            new("Input.Email", CeasefireWatchFactory.AdminEmail), new("Input.Password", CeasefireWatchFactory.AdminPassword),
            new("__RequestVerificationToken", Browser.Token(html))]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Account/SignIn") { Content = form };
        request.Headers.Add("Cookie", string.Join("; ", antiforgery));

        using var response = await secure.SendAsync(request, Ct);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("cw.session=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task No_page_has_an_inline_script_or_style()
    {
        var incident = await app.LogIncidentAsync(app.CreateApiClient());
        var admin = await app.SignedInAsAdminAsync();
        var pages = new[]
        {
            "/", "/Wall", "/Incidents", $"/Incidents/{incident.Id}", "/Incidents/New", "/Reference",
            "/Admin/Users", "/Admin/ApiKeys", "/Admin/SecurityLog", "/Notifications", "/Notifications/Deliveries",
        };

        foreach (var page in pages)
        {
            var html = await admin.GetHtmlAsync(page);
            Assert.True(ScriptTag().Matches(html).All(m => m.Value.Contains(" src=", StringComparison.Ordinal) || m.Value.Contains("type=\"application/json\"", StringComparison.Ordinal)),
                $"{page} has an inline script: {string.Join(", ", ScriptTag().Matches(html).Select(m => m.Value))}");
            Assert.DoesNotMatch(StyleAttribute(), html);
            Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(EventHandlerAttribute(), html);
        }

        var signIn = await app.CreateBrowser().GetHtmlAsync("/Account/SignIn");
        Assert.DoesNotMatch(StyleAttribute(), signIn);
        // Scripts come from files; the one data block (the UI's words for site.js, application/json) is not run.
        Assert.All(ScriptTag().Matches(signIn), m => Assert.True(
            m.Value.Contains(" src=", StringComparison.Ordinal) || m.Value.Contains("type=\"application/json\"", StringComparison.Ordinal), m.Value));
    }

    [Fact]
    public async Task Script_in_user_text_is_shown_as_text_on_every_page_that_shows_it()
    {
        var api = app.CreateApiClient();
        var active = await app.LogIncidentAsync(api, change: body =>
        {
            body["title"] = $"Title {ScriptPayload}{AttributePayload}";
            body["location"] = $"Loc {AttributePayload}";
            body["description"] = $"Desc {ScriptPayload}";
        });
        await PostAsync(api, $"/api/incidents/{active.Id}/notes", new { text = $"Note {ScriptPayload}{AttributePayload}" });
        await PostAsync(api, $"/api/incidents/{active.Id}/diplomatic-warning", new { details = $"Warning {ScriptPayload}" });
        var resolved = await app.LogIncidentAsync(api, change: body => body["title"] = $"Resolved {AttributePayload}");
        await PostAsync(api, $"/api/incidents/{resolved.Id}/resolve", new { reason = $"Reason {ScriptPayload}{AttributePayload}" });
        var admin = await app.SignedInAsAdminAsync();

        foreach (var page in new[] { "/", "/Wall", "/Incidents", $"/Incidents/{active.Id}", $"/Incidents/{resolved.Id}", "/Incidents?status=Resolved" })
        {
            var html = await admin.GetHtmlAsync(page);
            Assert.DoesNotContain(ScriptPayload, html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img src=x", html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        }

        var details = WebUtility.HtmlDecode(await admin.GetHtmlAsync($"/Incidents/{active.Id}"));
        foreach (var text in new[] { $"Note {ScriptPayload}{AttributePayload}", $"Warning {ScriptPayload}", $"Desc {ScriptPayload}" })
        {
            Assert.Contains(text, details, StringComparison.Ordinal);
        }

        Assert.Contains($"Reason {ScriptPayload}{AttributePayload}", WebUtility.HtmlDecode(await admin.GetHtmlAsync($"/Incidents/{resolved.Id}")), StringComparison.Ordinal);
    }

    private static async Task PostAsync(HttpClient api, string path, object body)
    {
        using var response = await api.PostAsJsonAsync(path, body, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    [GeneratedRegex("<script\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("<[a-z][^>]*\\sstyle=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex("<[a-z][^>]*\\son[a-z]+=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();
}
