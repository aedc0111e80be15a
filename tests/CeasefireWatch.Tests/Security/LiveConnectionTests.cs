using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Security;

/// <summary>
/// An open live connection ends with the session or key it was opened with. The hub pushes incident titles and places
/// (the tier alerts), and a connection, once open, is never authenticated again: without this, a person signed out,
/// disabled, demoted or given a new password, or a pipeline whose key was revoked, kept receiving them for as long as
/// the socket lived.
/// </summary>
public sealed class LiveConnectionTests(CeasefireWatchFactory app) : IClassFixture<CeasefireWatchFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("signs out")]
    [InlineData("is disabled")]
    [InlineData("changes role")]
    [InlineData("gets a new password")]
    public async Task A_persons_live_connection_ends_when_their_session_does(string what)
    {
        var email = $"live-{Guid.NewGuid():N}"[..16] + "@example.org";
        var person = await app.SignedInAsRoleAsync(Roles.Analyst, email);
        var bystander = await app.SignedInAsRoleAsync(Roles.Viewer);
        await using var feed = await LiveFeed.OpenAsync(person);
        await using var other = await LiveFeed.OpenAsync(bystander);
        var admin = await app.SignedInAsAdminAsync();
        var id = await app.WithAsync<UserManager<AppUser>, string>(async users => (await users.FindByEmailAsync(email))!.Id);

        switch (what)
        {
            case "signs out":
                using (await person.PostFormAsync("/", "/Account/SignOut"))
                {
                }

                break;
            case "is disabled":
                await admin.PostAndFollowAsync("/Admin/Users", $"/Admin/Users?id={id}&handler=Disable");
                break;
            case "changes role":
                await admin.PostAndFollowAsync("/Admin/Users", $"/Admin/Users?id={id}&handler=Role", ("ChangeRole.Role", Roles.Viewer));
                break;
            default:
                await admin.PostAndFollowAsync("/Admin/Users", $"/Admin/Users?id={id}&handler=ResetPassword", ("Reset.NewPassword", "another long passphrase"));
                break;
        }

        Assert.True(await feed.EndsWithinAsync(TimeSpan.FromSeconds(5)), $"The live connection stayed open after the person {what}.");
        await app.LogIncidentAsync(app.CreateApiClient());
        Assert.True(await other.ReceivesAsync("incidentChanged", TimeSpan.FromSeconds(5)), "Another person's live connection was ended too.");
    }

    [Fact]
    public async Task A_pipelines_live_connection_ends_when_its_key_is_revoked()
    {
        var name = $"live-{Guid.NewGuid():N}"[..20];
        var secret = await app.CreateApiKeyAsync(Roles.Viewer, name);
        await using var feed = await LiveFeed.OpenAsync(app.CreateApiClient(secret));
        var admin = await app.SignedInAsAdminAsync();
        var keyId = await app.WithDbAsync(db => db.ApiKeys.Where(k => k.Name == name).Select(k => k.Id).SingleAsync(Ct));

        await admin.PostAndFollowAsync("/Admin/ApiKeys", $"/Admin/ApiKeys?id={keyId}&handler=Revoke");

        Assert.True(await feed.EndsWithinAsync(TimeSpan.FromSeconds(5)), "The live connection of a revoked key stayed open.");
    }

    // Another instance, the console's reset-admin-password or an edit by hand changes the account where this process
    // does not see it: the open connections are checked against the database every few seconds.
    [Fact]
    public async Task A_change_made_elsewhere_ends_the_live_connection_within_seconds()
    {
        var email = $"live-{Guid.NewGuid():N}"[..16] + "@example.org";
        var person = await app.SignedInAsRoleAsync(Roles.Viewer, email);
        var name = $"live-{Guid.NewGuid():N}"[..20];
        var secret = await app.CreateApiKeyAsync(Roles.Viewer, name);
        await using var personFeed = await LiveFeed.OpenAsync(person);
        await using var keyFeed = await LiveFeed.OpenAsync(app.CreateApiClient(secret));

        await app.WithDbAsync(async db =>
        {
            await db.Users.Where(u => u.Email == email).ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, "changed elsewhere"), Ct);
            return await db.ApiKeys.Where(k => k.Name == name).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, app.Now.UtcDateTime), Ct);
        });

        await CeasefireWatchFactory.WaitUntilAsync(async () =>
        {
            app.Clock.Advance(TimeSpan.FromSeconds(1));
            return await personFeed.EndsWithinAsync(TimeSpan.FromMilliseconds(100)) && await keyFeed.EndsWithinAsync(TimeSpan.FromMilliseconds(100));
        }, TimeSpan.FromSeconds(20), "both connections ended");
    }

    /// <summary>
    /// A SignalR client on the server-sent-events transport, which the in-memory test server carries: negotiate, open the
    /// stream, send the handshake, then read the messages pushed until the server ends the stream.
    /// </summary>
    private sealed class LiveFeed : IAsyncDisposable
    {
        private readonly HttpResponseMessage response;
        private readonly StreamReader reader;
        private Task<string?>? pendingLine;
        private bool ended;

        private LiveFeed(HttpResponseMessage response, StreamReader reader)
        {
            this.response = response;
            this.reader = reader;
        }

        public static async Task<LiveFeed> OpenAsync(HttpClient client)
        {
            using var negotiate = await client.PostAsync(new Uri("/hubs/live/negotiate?negotiateVersion=1", UriKind.Relative), null, Ct);
            Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
            using var json = JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync(Ct));
            var token = Uri.EscapeDataString(json.RootElement.GetProperty("connectionToken").GetString()!);

            using var open = new HttpRequestMessage(HttpMethod.Get, $"/hubs/live?id={token}");
            open.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            var response = await client.SendAsync(open, HttpCompletionOption.ResponseHeadersRead, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var feed = new LiveFeed(response, new StreamReader(await response.Content.ReadAsStreamAsync(Ct), Encoding.UTF8));

            using var handshake = await client.PostAsync(new Uri($"/hubs/live?id={token}", UriKind.Relative),
                new StringContent("{\"protocol\":\"json\",\"version\":1}\u001e", Encoding.UTF8, "text/plain"), Ct);
            Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
            Assert.True(await feed.ReceivesAsync("{}", TimeSpan.FromSeconds(10)), "No handshake answer.");
            return feed;
        }

        /// <summary>Whether a line holding <paramref name="text"/> arrives within <paramref name="wait"/>.</summary>
        public async Task<bool> ReceivesAsync(string text, TimeSpan wait)
        {
            var until = TimeProvider.System.GetTimestamp() + (long)(wait.TotalSeconds * TimeProvider.System.TimestampFrequency);
            while (TimeProvider.System.GetTimestamp() < until)
            {
                var line = await NextLineAsync(TimeSpan.FromMilliseconds(100));
                if (line is { } l && l.Contains(text, StringComparison.Ordinal))
                {
                    return true;
                }

                if (ended)
                {
                    return false;
                }
            }

            return false;
        }

        /// <summary>Whether the server ends the stream within <paramref name="wait"/> (messages before the end are read over).</summary>
        public async Task<bool> EndsWithinAsync(TimeSpan wait)
        {
            var until = TimeProvider.System.GetTimestamp() + (long)(wait.TotalSeconds * TimeProvider.System.TimestampFrequency);
            while (!ended && TimeProvider.System.GetTimestamp() < until)
            {
                await NextLineAsync(TimeSpan.FromMilliseconds(50));
            }

            return ended;
        }

        private async Task<string?> NextLineAsync(TimeSpan wait)
        {
            if (ended)
            {
                return null;
            }

            pendingLine ??= ReadAsync();
            if (await Task.WhenAny(pendingLine, Task.Delay(wait, Ct)) != pendingLine)
            {
                return null;
            }

            var line = await pendingLine;
            pendingLine = null;
            ended = line is null;
            return line;
        }

        private async Task<string?> ReadAsync()
        {
            try
            {
                return await reader.ReadLineAsync(Ct);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
            {
                return null;
            }
        }

        public ValueTask DisposeAsync()
        {
            reader.Dispose();
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
