using System.Net;
using System.Net.Http.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CeasefireWatch.Tests.Hardening;

/// <summary>
/// Found from outside: sign-in timing told which emails exist; 1,000 wrong API keys met no slowdown and left no trace;
/// a revoked bootstrap key came back at restart; a cookie-authenticated API call needed no antiforgery token.
/// </summary>
public sealed class CredentialTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_unknown_email_a_wrong_password_and_a_locked_account_each_cost_one_password_hash()
    {
        var hasher = new CountingHasher();
        await using var app = new CeasefireWatchFactory { TestServices = s => s.AddScoped<IPasswordHasher<AppUser>>(_ => hasher) };
        await app.AssertSignInFailsAsync("admin@example.org", "first wrong passphrase");   // warms the decoy hash up
        for (var i = 0; i < 3; i++)
        {
            await app.AssertSignInFailsAsync(CeasefireWatchFactory.AdminEmail, $"wrong passphrase {i}");
        }

        var counts = new Dictionary<string, int>();
        foreach (var (label, email) in new[] { ("known", CeasefireWatchFactory.AdminEmail), ("unknown", "nobody@example.org"), ("locked", CeasefireWatchFactory.AdminEmail) })
        {
            hasher.Verifications = 0;
            await app.AssertSignInFailsAsync(email, "yet another wrong passphrase");
            counts[label] = hasher.Verifications;
        }

        // The fifth failure above locked the account, so "locked" is answered from a locked account.
        Assert.Equal(1, counts["known"]);
        Assert.Equal(1, counts["unknown"]);
        Assert.Equal(1, counts["locked"]);
    }

    [Fact]
    public async Task Wrong_api_keys_beyond_the_limit_get_429_with_retry_after_are_logged_and_good_keys_are_unaffected()
    {
        await using var app = Throttled(limit: 5, window: "00:01:00");
        var guesser = app.CreateApiClient("cw_guess_0000000000000000000000000000");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync("/api/incidents", Ct)).StatusCode);
        }

        using var throttled = await guesser.GetAsync("/api/incidents", Ct);
        var problem = await Problems.AssertProblemAsync(throttled, HttpStatusCode.TooManyRequests);
        Assert.Equal("https://www.rfc-editor.org/rfc/rfc6585#section-4", problem.GetProperty("type").GetString());
        Assert.InRange(throttled.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

        // Another wrong key from that address is refused too, and is not one more security-log row.
        using var another = await app.CreateApiClient("cw_guess_1111111111111111111111111111").GetAsync("/api/incidents", Ct);
        await Problems.AssertProblemAsync(another, HttpStatusCode.TooManyRequests);

        // A good key is served from anywhere, the throttled address too (a pipeline behind the same NAT or proxy as a
        // guesser, or as a script with an old key, must not be locked out by it), and its requests never count.
        var elsewhere = app.CreateApiClient();
        elsewhere.DefaultRequestHeaders.Add(CeasefireWatchFactory.ClientAddressHeader, "198.51.100.20");
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/api/incidents", Ct)).StatusCode);
        var sameAddress = app.CreateApiClient(await app.CreateApiKeyAsync(Roles.Analyst));
        Assert.Equal(HttpStatusCode.Created, (await app.PostIncidentAsync(sameAddress)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateApiClient().GetAsync("/api/incidents", Ct)).StatusCode);
        await Problems.AssertProblemAsync(await guesser.GetAsync("/api/incidents", Ct), HttpStatusCode.TooManyRequests);

        var events = await app.WithDbAsync(db => db.SecurityEvents.Select(e => new { e.Kind, e.Subject, e.SourceAddress }).ToListAsync(Ct));
        Assert.Equal(5, events.Count(e => e.Kind == SecurityEventKind.ApiKeyRejected && e.SourceAddress == CeasefireWatchFactory.ClientAddress));
        Assert.All(events.Where(e => e.Kind == SecurityEventKind.ApiKeyRejected), e => Assert.DoesNotContain("0000000000", e.Subject, StringComparison.Ordinal));
        Assert.Single(events, e => e.Kind == SecurityEventKind.CredentialGuessingThrottled);

        // The window ends on the app's clock: the wrong key is a 401 again.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync("/api/incidents", Ct)).StatusCode);
    }

    [Fact]
    public async Task Failed_sign_ins_from_one_address_are_throttled_across_accounts_and_good_keys_never_count()
    {
        await using var app = Throttled(limit: 3, window: "00:05:00");
        var api = app.CreateApiClient();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/incidents", Ct)).StatusCode);
        }

        foreach (var email in new[] { "a@example.org", "b@example.org", "c@example.org" })
        {
            await app.AssertSignInFailsAsync(email, "a guessed passphrase");
        }

        var browser = app.CreateBrowser();
        using var refused = await browser.PostFormAsync("/Account/SignIn", "/Account/SignIn",
            ("Input.Email", CeasefireWatchFactory.AdminEmail), ("Input.Password", CeasefireWatchFactory.AdminPassword));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_person_signing_in_from_a_throttled_address_gets_a_page_saying_so_not_json()
    {
        await using var app = Throttled(limit: 2, window: "00:05:00");
        foreach (var email in new[] { "a@example.org", "b@example.org" })
        {
            await app.AssertSignInFailsAsync(email, "a guessed passphrase");
        }

        // What a browser asks for when it posts a form: HTML first, anything at a lower weight (which JSON would satisfy).
        foreach (var accept in new[] { "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html" })
        {
            var browser = app.CreateBrowser();
            browser.DefaultRequestHeaders.Accept.ParseAdd(accept);
            using var refused = await browser.PostFormAsync("/Account/SignIn", "/Account/SignIn",
                ("Input.Email", CeasefireWatchFactory.AdminEmail), ("Input.Password", CeasefireWatchFactory.AdminPassword));

            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
            var page = await refused.Content.ReadAsStringAsync(Ct);
            Assert.Contains("Too many failed sign-ins from this address", page, StringComparison.Ordinal);
        }
    }

    // One IPv6 subscriber holds a /64 (usually more): counted per full address, each guess could come from a fresh one,
    // and the limit stopped nobody. An IPv6 client is counted by its /64, an IPv4-mapped one as its IPv4 address.
    [Fact]
    public async Task Guesses_from_one_ipv6_network_count_together_and_another_network_is_not_held_up()
    {
        await using var app = Throttled(limit: 3, window: "00:05:00");
        HttpClient From(string address, string key)
        {
            var client = app.CreateApiClient(key);
            client.DefaultRequestHeaders.Add(CeasefireWatchFactory.ClientAddressHeader, address);
            return client;
        }

        for (var i = 1; i <= 3; i++)
        {
            using var guess = await From($"2001:db8:1:2::{i:x}", $"cw_guess_{i}000000000000000000000000000").GetAsync("/api/incidents", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }

        using var fourth = await From("2001:db8:1:2:ffff:1234:5678:9abc", "cw_guess_4000000000000000000000000000").GetAsync("/api/incidents", Ct);
        using var otherNetwork = await From("2001:db8:1:3::1", "cw_guess_5000000000000000000000000000").GetAsync("/api/incidents", Ct);
        using var goodKey = await From("2001:db8:1:2::99", CeasefireWatchFactory.SupervisorApiKey).GetAsync("/api/incidents", Ct);

        await Problems.AssertProblemAsync(fourth, HttpStatusCode.TooManyRequests);
        await Problems.AssertProblemAsync(otherNetwork, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, goodKey.StatusCode);
        var throttled = await app.WithDbAsync(db => db.SecurityEvents.Where(e => e.Kind == SecurityEventKind.CredentialGuessingThrottled).Select(e => e.Subject).ToListAsync(Ct));
        Assert.Equal("2001:db8:1:2::/64", Assert.Single(throttled));
    }

    [Fact]
    public async Task An_ipv4_address_is_counted_the_same_whether_or_not_it_arrives_mapped_to_ipv6()
    {
        await using var app = Throttled(limit: 2, window: "00:05:00");
        foreach (var address in new[] { "198.51.100.7", "::ffff:198.51.100.7" })
        {
            var guesser = app.CreateApiClient("cw_guess_0000000000000000000000000000");
            guesser.DefaultRequestHeaders.Add(CeasefireWatchFactory.ClientAddressHeader, address);
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync("/api/incidents", Ct)).StatusCode);
        }

        var third = app.CreateApiClient("cw_guess_0000000000000000000000000000");
        third.DefaultRequestHeaders.Add(CeasefireWatchFactory.ClientAddressHeader, "::ffff:198.51.100.7");
        await Problems.AssertProblemAsync(await third.GetAsync("/api/incidents", Ct), HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_revoked_bootstrap_key_stays_revoked_across_restarts()
    {
        var path = CeasefireWatchFactory.NewDatabasePath();
        try
        {
            await using (var first = new CeasefireWatchFactory { DatabasePath = path, KeepDatabase = true })
            {
                Assert.Equal(HttpStatusCode.OK, (await first.CreateApiClient().GetAsync("/api/incidents", Ct)).StatusCode);
                var admin = await first.SignedInAsAdminAsync();
                var id = await first.WithDbAsync(db => db.ApiKeys.Where(k => k.Name == "bootstrap").Select(k => k.Id).SingleAsync(Ct));
                await admin.PostAndFollowAsync("/Admin/ApiKeys", $"/Admin/ApiKeys?handler=Revoke&id={id}");
                Assert.Equal(HttpStatusCode.Unauthorized, (await first.CreateApiClient().GetAsync("/api/incidents", Ct)).StatusCode);
            }

            await using var restarted = new CeasefireWatchFactory { DatabasePath = path, KeepDatabase = true };
            Assert.Equal(HttpStatusCode.Unauthorized, (await restarted.CreateApiClient().GetAsync("/api/incidents", Ct)).StatusCode);
            Assert.Equal(1, await restarted.WithDbAsync(db => db.ApiKeys.CountAsync(Ct)));
        }
        finally
        {
            CeasefireWatchFactory.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task An_unsafe_api_call_with_the_session_cookie_needs_the_antiforgery_token_and_an_api_key_does_not()
    {
        await using var app = new CeasefireWatchFactory();
        var incident = await app.LogIncidentAsync(app.CreateApiClient());
        var supervisor = await app.SignedInAsRoleAsync(Web.Infrastructure.Security.Roles.Supervisor);

        // A foreign page makes the browser post with its cookie: no token, nothing changes.
        using var forged = new HttpRequestMessage(HttpMethod.Post, $"/api/incidents/{incident.Id}/resolve");
        forged.Headers.Add("Origin", "https://attacker.example");
        using var refused = await supervisor.SendAsync(forged, Ct);
        await Problems.AssertProblemAsync(refused, HttpStatusCode.BadRequest);
        Assert.Equal(Web.Domain.IncidentStatus.Active, (await CeasefireWatchFactory.GetIncidentAsync(app.CreateApiClient(), incident.Id)).Status);

        // The app's own page holds the token: sent as the header, the same call is allowed.
        var token = Browser.Token(await supervisor.GetHtmlAsync($"/Incidents/{incident.Id}"));
        using var own = new HttpRequestMessage(HttpMethod.Post, $"/api/incidents/{incident.Id}/resolve") { Content = JsonContent.Create(new { reason = "Ceased." }) };
        own.Headers.Add("RequestVerificationToken", token);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.SendAsync(own, Ct)).StatusCode);

        // Reads with the cookie need nothing, and an API key never needs the token.
        Assert.Equal(HttpStatusCode.OK, (await supervisor.GetAsync(new Uri($"/api/incidents/{incident.Id}", UriKind.Relative), Ct)).StatusCode);
        var other = await app.LogIncidentAsync(app.CreateApiClient());
        Assert.Equal(HttpStatusCode.OK, (await app.CreateApiClient().PostAsJsonAsync($"/api/incidents/{other.Id}/resolve", new { reason = "Ceased." }, Ct)).StatusCode);
    }

    /// <summary>
    /// Without the header the token is looked for in a form body; a form that does not read made the antiforgery check
    /// throw (a 500). It is refused like any call without a token, and the same body with an API key gets the import's
    /// own answer.
    /// </summary>
    [Theory]
    [InlineData("multipart/form-data", "title")]
    [InlineData("multipart/form-data; boundary=cw", "--cw\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\ntitle")]
    public async Task A_cookie_call_whose_form_does_not_read_is_refused_for_want_of_a_token_not_a_500(string contentType, string body)
    {
        await using var app = new CeasefireWatchFactory();
        var analyst = await app.SignedInAsRoleAsync(Web.Infrastructure.Security.Roles.Analyst);

        HttpRequestMessage Unreadable()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/imports") { Content = new StringContent(body) };
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            return request;
        }

        using var cookie = Unreadable();
        var refused = await Problems.AssertProblemAsync(await analyst.SendAsync(cookie, Ct), HttpStatusCode.BadRequest);
        Assert.Equal("The antiforgery token is missing or invalid.", refused.GetProperty("title").GetString());

        using var keyed = Unreadable();
        var unread = await Problems.AssertProblemAsync(await app.CreateApiClient().SendAsync(keyed, Ct), HttpStatusCode.BadRequest);
        Assert.Equal("The multipart form could not be read.", unread.GetProperty("title").GetString());
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }

    private static CeasefireWatchFactory Throttled(int limit, string window) => new()
    {
        Settings = new Dictionary<string, string?>
        {
            ["Security:CredentialGuessing:FailureLimit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Security:CredentialGuessing:Window"] = window,
        },
    };

    /// <summary>Identity's hasher, counting how often a password is checked.</summary>
    private sealed class CountingHasher : PasswordHasher<AppUser>
    {
        public int Verifications { get; set; }

        public override PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Verifications++;
            return base.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
