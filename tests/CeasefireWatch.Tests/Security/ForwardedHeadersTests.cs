using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Security;

/// <summary>
/// Behind the reverse proxy operations.md shows (nginx on the same machine, ending TLS, sending X-Forwarded-For and
/// X-Forwarded-Proto), the app took every request for the proxy's own: one guesser's failed sign-ins paused sign-in for
/// everybody, the security log named 127.0.0.1 for every event, and the session cookie went out without Secure. A proxy
/// on this machine, or one named in <c>ForwardedHeaders:KnownProxies</c> / <c>KnownNetworks</c>, is now believed; what
/// any other client writes in those headers is not.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpClient Through(CeasefireWatchFactory app, string proxy, string client, string proto = "http")
    {
        var browser = app.CreateBrowser();
        browser.DefaultRequestHeaders.Add(CeasefireWatchFactory.ClientAddressHeader, proxy);
        browser.DefaultRequestHeaders.Add("X-Forwarded-For", client);
        browser.DefaultRequestHeaders.Add("X-Forwarded-Proto", proto);
        return browser;
    }

    private static Task<List<string>> SignInAddressesAsync(CeasefireWatchFactory app) =>
        app.WithDbAsync(db => db.SecurityEvents.Where(e => e.Kind == SecurityEventKind.SignedIn).OrderBy(e => e.Id).Select(e => e.SourceAddress).ToListAsync(Ct));

    [Fact]
    public async Task A_proxy_on_this_machine_is_believed_about_the_client_and_https()
    {
        await using var app = new CeasefireWatchFactory();
        var browser = Through(app, "127.0.0.1", "198.51.100.9", "https");

        using var response = await browser.PostFormAsync("/Account/SignIn", "/Account/SignIn",
            ("Input.Email", CeasefireWatchFactory.AdminEmail), ("Input.Password", CeasefireWatchFactory.AdminPassword));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("cw.session=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["198.51.100.9"], await SignInAddressesAsync(app));
    }

    [Fact]
    public async Task One_guesser_behind_the_proxy_does_not_pause_sign_in_for_everybody_else()
    {
        await using var app = new CeasefireWatchFactory { Settings = new Dictionary<string, string?> { ["Security:CredentialGuessing:FailureLimit"] = "3" } };
        var guesser = Through(app, "127.0.0.1", "198.51.100.66");
        for (var i = 0; i < 3; i++)
        {
            Assert.False(await guesser.TrySignInAsync(CeasefireWatchFactory.AdminEmail, $"guess number {i} of many"));
        }

        using var refused = await guesser.PostFormAsync("/Account/SignIn", "/Account/SignIn",
            ("Input.Email", CeasefireWatchFactory.AdminEmail), ("Input.Password", CeasefireWatchFactory.AdminPassword));
        var someoneElse = Through(app, "127.0.0.1", "198.51.100.10");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(await someoneElse.TrySignInAsync(CeasefireWatchFactory.AdminEmail, CeasefireWatchFactory.AdminPassword));
    }

    [Fact]
    public async Task A_client_that_is_no_known_proxy_cannot_claim_another_address_or_https()
    {
        await using var app = new CeasefireWatchFactory { Settings = new Dictionary<string, string?> { ["Security:CredentialGuessing:FailureLimit"] = "2" } };
        for (var i = 0; i < 2; i++)
        {
            Assert.False(await Through(app, "203.0.113.50", $"198.51.100.{i + 1}").TrySignInAsync(CeasefireWatchFactory.AdminEmail, "a wrong passphrase here"));
        }

        using var refused = await Through(app, "203.0.113.50", "198.51.100.99", "https").PostFormAsync("/Account/SignIn", "/Account/SignIn",
            ("Input.Email", CeasefireWatchFactory.AdminEmail), ("Input.Password", CeasefireWatchFactory.AdminPassword));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var failures = await app.WithDbAsync(db => db.SecurityEvents.Where(e => e.Kind == SecurityEventKind.SignInFailed).Select(e => e.SourceAddress).ToListAsync(Ct));
        Assert.All(failures, a => Assert.Equal("203.0.113.50", a));
    }

    [Fact]
    public async Task A_proxy_elsewhere_is_believed_once_named_in_the_settings()
    {
        await using var app = new CeasefireWatchFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["ForwardedHeaders:KnownProxies:0"] = "10.1.2.3",
                ["ForwardedHeaders:KnownNetworks:0"] = "192.0.2.0/24",
            },
        };

        Assert.True(await Through(app, "10.1.2.3", "198.51.100.21").TrySignInAsync(CeasefireWatchFactory.AdminEmail, CeasefireWatchFactory.AdminPassword));
        Assert.True(await Through(app, "192.0.2.77", "198.51.100.22").TrySignInAsync(CeasefireWatchFactory.AdminEmail, CeasefireWatchFactory.AdminPassword));
        Assert.True(await Through(app, "10.1.2.4", "198.51.100.23").TrySignInAsync(CeasefireWatchFactory.AdminEmail, CeasefireWatchFactory.AdminPassword));

        Assert.Equal(["198.51.100.21", "198.51.100.22", "10.1.2.4"], await SignInAddressesAsync(app));
    }
}
