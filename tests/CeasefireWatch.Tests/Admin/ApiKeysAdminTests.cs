using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Tests.Pages;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Accounts;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Admin;

/// <summary>/Admin/ApiKeys: a key's secret is shown once, stored as a hash, works until revoked.</summary>
public sealed partial class ApiKeysAdminTests
{
    private const string Page = "/Admin/ApiKeys";

    private static readonly string TempDataCookie = CookieTempDataProvider.CookieName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_key_is_shown_once_and_only_its_hash_is_stored()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();

        // Post/redirect/get: the POST answers with a redirect, so refreshing the page that follows sends nothing again.
        using var posted = await CreateKeyAsync(admin, "drone-feed-east", Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal(Page, posted.Headers.Location?.OriginalString);
        Assert.DoesNotMatch(SecretPattern(), await posted.HtmlAsync());

        using var response = await admin.GetAsync(new Uri(Page, UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "The page showing a secret must not be cached.");
        var html = await response.HtmlAsync();
        var secret = SecretOn(html);

        // The secret crossed the redirect in the TempData cookie, protected (encrypted) by Data Protection: neither the
        // cookie's text nor its base64url-decoded bytes hold it.
        var cookie = Assert.Single(posted.Headers.GetValues("Set-Cookie"), c => c.StartsWith(TempDataCookie + "=", StringComparison.Ordinal));
        var value = cookie[(TempDataCookie.Length + 1)..].Split(';')[0];
        Assert.DoesNotContain(secret, cookie, StringComparison.Ordinal);
        Assert.True(WebEncoders.Base64UrlDecode(value).AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0,
            "The TempData cookie holds the secret in clear text.");
        // The GET that showed it removed it: its answer expires the cookie.
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(TempDataCookie + "=;", StringComparison.Ordinal));
        Assert.Contains("copy it now: it is not shown again", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(ApiKeyAuthenticationHandler.HeaderName, html, StringComparison.Ordinal);

        var stored = await app.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Name == "drone-feed-east", Ct));
        Assert.Equal(ApiKey.Hash(secret), stored.SecretHash);
        Assert.Equal(secret[..CreateApiKey.PrefixLength], stored.Prefix);
        Assert.Equal(Roles.Analyst, stored.Role);
        Assert.Equal(CeasefireWatchFactory.AdminEmail, stored.CreatedBy);
        Assert.Null(stored.LastUsedAt);
        Assert.Null(stored.RevokedAt);
        Assert.DoesNotContain(secret, string.Join("|", stored.Name, stored.Role, stored.SecretHash, stored.Prefix, stored.CreatedBy), StringComparison.Ordinal);
        var events = await app.WithDbAsync(db => db.SecurityEvents.AsNoTracking().ToListAsync(Ct));
        Assert.DoesNotContain(events, e => $"{e.Subject}|{e.Details}|{e.Actor}".Contains(secret, StringComparison.Ordinal));
        var created = Assert.Single(events, e => e.Kind == SecurityEventKind.ApiKeyCreated);
        Assert.Equal("drone-feed-east", created.Subject);
        Assert.Contains(Roles.Analyst, created.Details, StringComparison.Ordinal);

        // Not in the database file at all, in any table or in the write-ahead log.
        Assert.False(FileContains(app.DatabasePath, secret), "The secret was written to the database file.");
        Assert.False(FileContains(app.DatabasePath + "-wal", secret), "The secret was written to the write-ahead log.");

        // A second look (a refresh) shows the key, never its secret.
        var again = await admin.GetHtmlAsync(Page);
        Assert.DoesNotContain(secret, again, StringComparison.Ordinal);
        Assert.DoesNotMatch(SecretPattern(), again);
        Assert.NotNull(Browser.Row(again, "data-key", "drone-feed-east"));
        Assert.Contains($"{stored.Prefix}…", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_authenticates_the_api_records_its_last_use_and_gets_401_once_revoked()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();
        var secret = SecretOn(await CreateAndShowKeyAsync(admin, "satellite-pipeline", Roles.Viewer));
        var pipeline = app.CreateClient();
        pipeline.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, secret);

        using (var stats = await pipeline.GetAsync(new Uri("/api/stats", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        }

        var key = await app.WithDbAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Name == "satellite-pipeline", Ct));
        Assert.NotNull(key.LastUsedAt);
        Assert.DoesNotContain("never", Browser.Row(await admin.GetHtmlAsync(Page), "data-key", "satellite-pipeline")!, StringComparison.Ordinal);

        await admin.PostAndFollowAsync(Page, $"{Page}?handler=Revoke&id={key.Id}");

        using (var refused = await pipeline.GetAsync(new Uri("/api/stats", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.NotNull(await app.WithDbAsync(db => db.ApiKeys.Where(k => k.Id == key.Id).Select(k => k.RevokedAt).SingleAsync(Ct)));
        var listed = await admin.GetHtmlAsync(Page);
        Assert.Contains("data-revoked=\"true\"", Browser.Row(listed, "data-key", "satellite-pipeline"), StringComparison.Ordinal);
        Assert.DoesNotContain($"handler=Revoke&amp;id={key.Id}\"", listed, StringComparison.Ordinal);

        // Revoking again changes nothing, says so, and logs nothing more.
        await admin.PostAndFollowAsync(Page, $"{Page}?handler=Revoke&id={key.Id}");
        Assert.Contains("was already revoked", WebUtility.HtmlDecode(await admin.GetHtmlAsync(Page)), StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.SecurityEvents.CountAsync(e => e.Kind == SecurityEventKind.ApiKeyRevoked, Ct)));
    }

    [Fact]
    public async Task A_taken_name_in_any_letter_case_or_an_unknown_role_is_a_message_by_its_field()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();
        var keysBefore = await app.WithDbAsync(db => db.ApiKeys.CountAsync(Ct));
        using var first = await CreateKeyAsync(admin, "drone-feed-east", Roles.Analyst);

        using var taken = await CreateKeyAsync(admin, "Drone-Feed-East", Roles.Analyst);
        var takenHtml = await taken.HtmlAsync();
        Assert.Contains("already exists", Browser.FieldError(takenHtml, "Create.Name"), StringComparison.Ordinal);
        Assert.Contains("already exists", PageForms.Summary(takenHtml), StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Create_Name\">", takenHtml, StringComparison.Ordinal);
        Assert.DoesNotMatch(SecretPattern(), takenHtml);

        using var badRole = await CreateKeyAsync(admin, "another-feed", "Root");
        Assert.StartsWith("Choose one of the roles", Browser.FieldError(await badRole.HtmlAsync(), "Create.Role"), StringComparison.Ordinal);

        using var noName = await CreateKeyAsync(admin, "  ", Roles.Viewer);
        Assert.NotEmpty(Browser.FieldError(await noName.HtmlAsync(), "Create.Name"));
        Assert.Equal(keysBefore + 1, await app.WithDbAsync(db => db.ApiKeys.CountAsync(Ct)));
    }

    // A key's name is the actor of what it does (the timeline, its CSV, the security log): a key named after the
    // escalation engine or a person would write entries that read as theirs. People sign in with an email, so a key
    // name never holds an @, and the names the app writes itself are not taken.
    [Theory]
    [InlineData("escalation-engine")]
    [InlineData(" Escalation-Engine ")]
    [InlineData("anonymous")]
    [InlineData("analyst@example.org")]
    [InlineData("feed@east")]
    public async Task A_key_name_that_would_read_as_another_actor_is_a_message_by_its_field(string name)
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();
        var keysBefore = await app.WithDbAsync(db => db.ApiKeys.CountAsync(Ct));

        using var response = await CreateKeyAsync(admin, name, Roles.Analyst);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(Browser.FieldError(await response.HtmlAsync(), "Create.Name"));
        Assert.Equal(keysBefore, await app.WithDbAsync(db => db.ApiKeys.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_script_in_a_key_name_is_shown_as_text_never_run()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();

        var createdHtml = await CreateAndShowKeyAsync(admin, "<script>x</script>", Roles.Viewer);
        var listed = await admin.GetHtmlAsync(Page);
        var log = await admin.GetHtmlAsync("/Admin/SecurityLog");

        foreach (var html in new[] { createdHtml, listed, log })
        {
            Assert.DoesNotContain("<script>x</script>", html, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;x&lt;/script&gt;", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unknown_key_is_404()
    {
        await using var app = new CeasefireWatchFactory();
        var admin = await app.SignedInAsAdminAsync();

        using var response = await admin.PostFormAsync(Page, $"{Page}?handler=Revoke&id=999");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static Task<HttpResponseMessage> CreateKeyAsync(HttpClient admin, string name, string role) =>
        admin.PostFormAsync(Page, $"{Page}?handler=Create", ("Create.Name", name), ("Create.Role", role));

    /// <summary>Creates a key through the form and follows the redirect to the page that shows it, once.</summary>
    private static async Task<string> CreateAndShowKeyAsync(HttpClient admin, string name, string role)
    {
        using var created = await CreateKeyAsync(admin, name, role);
        Assert.True(created.StatusCode == HttpStatusCode.Redirect, $"Expected a redirect, got {(int)created.StatusCode}: {await created.HtmlAsync()}");
        return await admin.GetHtmlAsync(Page);
    }

    private static string SecretOn(string html)
    {
        var secrets = SecretPattern().Matches(html).Select(m => m.Value).Distinct().ToList();
        return Assert.Single(secrets);
    }

    private static bool FileContains(string path, string text)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray().AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
    }

    /// <summary>"cw_" and 32 random bytes in unpadded URL-safe base64 (<see cref="ApiKey.NewSecret"/>).</summary>
    [GeneratedRegex("cw_[A-Za-z0-9_-]{43}")]
    private static partial Regex SecretPattern();
}
