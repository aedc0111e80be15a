using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace CeasefireWatch.Tests.Pages;

/// <summary>The Notifications pages: supervisors add and delete rules with the form, and read the delivery log.</summary>
public sealed class NotificationPagesTests(CeasefireWatchFactory app) : IClassFixture<CeasefireWatchFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_supervisor_adds_a_webhook_rule_with_the_form_sees_it_listed_without_its_secret_and_deletes_it()
    {
        var supervisor = await app.SignedInAsRoleAsync(Roles.Supervisor);
        Assert.Contains("href=\"/Notifications\"", await supervisor.GetHtmlAsync("/"), StringComparison.Ordinal);

        await supervisor.PostAndFollowAsync("/Notifications", "/Notifications?handler=Create",
            ("Rule.Name", "Page hook"), ("Rule.Channel", "Webhook"), ("Rule.Target", "https://hooks.example.org/page"),
            ("Rule.Stages", "Coalition"), ("Rule.Stages", "UsBackstop"), ("Rule.Oblasts", "Odesa"), ("Rule.Secret", "page-secret-0123456789"));

        var html = await supervisor.GetHtmlAsync("/Notifications");
        Assert.Contains("Rule “Page hook” added", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        var rule = await app.WithDbAsync(db => db.Set<NotificationRule>().SingleAsync(r => r.Name == "Page hook", Ct));
        Assert.Equal("Coalition,UsBackstop", rule.Stages);
        Assert.Equal("Odesa", rule.Oblasts);
        Assert.NotNull(Browser.Row(html, "data-rule-id", rule.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.DoesNotContain("page-secret-0123456789", html, StringComparison.Ordinal);

        await supervisor.PostAndFollowAsync("/Notifications", $"/Notifications?handler=Delete&id={rule.Id}");
        Assert.Null(Browser.Row(await supervisor.GetHtmlAsync("/Notifications"), "data-rule-id", rule.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_bad_rule_shows_each_message_by_its_field_keeps_the_input_and_stores_nothing()
    {
        var supervisor = await app.SignedInAsRoleAsync(Roles.Supervisor);
        var before = await app.WithDbAsync(db => db.Set<NotificationRule>().CountAsync(Ct));

        using var response = await supervisor.PostFormAsync("/Notifications", "/Notifications?handler=Create",
            ("Rule.Name", "Bad"), ("Rule.Channel", "Webhook"), ("Rule.Target", "ftp://files.example.org"), ("Rule.Stages", "Tier4"), ("Rule.Secret", "short"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.HtmlAsync();
        Assert.Contains("is not an absolute http or https URL", Browser.FieldError(html, "Rule.Target"), StringComparison.Ordinal);
        Assert.Contains("Unknown tier \"Tier4\"", Browser.FieldError(html, "Rule.Stages"), StringComparison.Ordinal);
        Assert.Contains("characters long", Browser.FieldError(html, "Rule.Secret"), StringComparison.Ordinal);
        // Like every refused form: an error summary at the top whose messages link to their fields.
        Assert.Contains("data-error-summary", html, StringComparison.Ordinal);
        Assert.Contains("is not an absolute http or https URL", PageForms.Summary(html), StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Rule_Target\">", html, StringComparison.Ordinal);
        Assert.Contains("value=\"ftp://files.example.org\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"short\"", html, StringComparison.Ordinal);
        Assert.Equal(before, await app.WithDbAsync(db => db.Set<NotificationRule>().CountAsync(Ct)));
    }

    [Fact]
    public async Task The_delivery_log_lists_each_delivery_with_its_rule_incident_tries_and_last_answer()
    {
        var api = app.CreateApiClient();
        using var created = await api.PostAsync("/api/notification-rules", new StringContent(
            """{"name":"Log desk","channel":"Email","target":"log@example.org","oblasts":["Zaporizhzhia"]}""", System.Text.Encoding.UTF8, "application/json"), Ct);
        created.EnsureSuccessStatusCode();
        var incident = await app.LogIncidentAsync(api);
        await CeasefireWatchFactory.WaitUntilAsync(
            () => app.WithDbAsync(db => db.Set<NotificationDelivery>().AnyAsync(d => d.IncidentId == incident.Id && d.Attempts > 0, Ct)),
            because: "the email delivery was tried");

        var html = WebUtility.HtmlDecode(await (await app.SignedInAsRoleAsync(Roles.Supervisor)).GetHtmlAsync("/Notifications/Deliveries"));

        var delivery = await app.WithDbAsync(db => db.Set<NotificationDelivery>().SingleAsync(d => d.IncidentId == incident.Id, Ct));
        Assert.NotNull(Browser.Row(html, "data-delivery-id", delivery.Id.ToString()));
        Assert.Contains("Log desk", html, StringComparison.Ordinal);
        Assert.Contains($">{incident.Reference}</a>", html, StringComparison.Ordinal);
        Assert.Contains("SMTP not configured", html, StringComparison.Ordinal);

        // The event and its tier by their labels, in the reader's language; the API keeps the contract's names.
        Assert.Contains(">Tier entered<br /><span class=\"muted small\">Tier 1 · Ukrainian forces</span>", html, StringComparison.Ordinal);
        var ukrainian = await app.SignedInAsRoleAsync(Roles.Supervisor);
        ukrainian.DefaultRequestHeaders.AcceptLanguage.ParseAdd("uk");
        var uk = WebUtility.HtmlDecode(await ukrainian.GetHtmlAsync("/Notifications/Deliveries"));
        Assert.Contains(">Перехід на рівень<br /><span class=\"muted small\">Рівень 1 · Сили України</span>", uk, StringComparison.Ordinal);
        Assert.Contains("Електронна пошта · log@example.org", uk, StringComparison.Ordinal);
        Assert.DoesNotContain(">StageEntered", uk, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Roles.Viewer)]
    [InlineData(Roles.Analyst)]
    public async Task Below_supervisor_the_pages_are_forbidden_and_not_linked(string role)
    {
        var person = await app.SignedInAsRoleAsync(role);
        Assert.DoesNotContain("href=\"/Notifications\"", await person.GetHtmlAsync("/"), StringComparison.Ordinal);
        foreach (var page in new[] { "/Notifications", "/Notifications/Deliveries" })
        {
            using var response = await person.GetAsync(new Uri(page, UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }
}
