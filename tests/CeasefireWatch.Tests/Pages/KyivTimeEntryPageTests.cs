using System.Net;
using CeasefireWatch.Tests.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Security;
using static CeasefireWatch.Tests.Pages.PageForms;

namespace CeasefireWatch.Tests.Pages;

/// <summary>
/// A time typed as Kyiv local time in the log form. Kyiv is UTC+2 in winter and UTC+3 in summer; the clocks go
/// forward at 03:00 on the last Sunday of March (03:00–03:59 does not exist) and back at 04:00 on the last
/// Sunday of October (03:00–03:59 happens twice). KyivTime.TryToUtc refuses both rather than guess.
/// All dates are before the fake clock's 2026-02-04, which is never moved here.
/// </summary>
public sealed class KyivTimeEntryPageTests(CeasefireWatchFactory factory) : IClassFixture<CeasefireWatchFactory>
{
    private const string Page = "/Incidents/New";

    [Theory]
    [InlineData("2026-01-15T10:30", "2026-01-15T08:30:00Z")] // winter, EET = UTC+2
    [InlineData("2025-07-15T10:30", "2025-07-15T07:30:00Z")] // summer, EEST = UTC+3
    [InlineData("2025-03-30T02:59", "2025-03-30T00:59:00Z")] // the last minute before the spring change
    [InlineData("2025-03-30T04:00", "2025-03-30T01:00:00Z")] // the first minute after it
    [InlineData("2025-10-26T02:59", "2025-10-25T23:59:00Z")] // before the repeated hour, still summer time
    [InlineData("2025-10-26T04:00", "2025-10-26T02:00:00Z")] // after it, winter time
    [InlineData("2026-02-04T08:05", "2026-02-04T06:05:00Z")] // Kyiv now + 5 minutes: just inside the skew
    public async Task A_Kyiv_time_is_stored_as_the_UTC_instant_it_names(string typed, string expectedUtc)
    {
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);
        var fields = NewIncident(DateTime.UnixEpoch);
        fields["Input.OccurredAt"] = typed;
        fields["Input.OccurredAtZone"] = "Kyiv";

        using var response = await analyst.PostFormAsync(Page, Page, fields.AsFields());

        var stored = await CeasefireWatchFactory.GetIncidentAsync(factory.CreateApiClient(), await RedirectedIncidentIdAsync(response));
        Assert.Equal(DateTime.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime(), stored.OccurredAt);
        Assert.Equal(DateTimeKind.Utc, stored.OccurredAt.Kind);
    }

    [Fact]
    public async Task The_same_wall_clock_time_typed_as_UTC_is_not_shifted()
    {
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);
        var fields = NewIncident(DateTime.UnixEpoch);
        fields["Input.OccurredAt"] = "2026-01-15T10:30";
        fields["Input.OccurredAtZone"] = "Utc";

        using var response = await analyst.PostFormAsync(Page, Page, fields.AsFields());

        var stored = await CeasefireWatchFactory.GetIncidentAsync(factory.CreateApiClient(), await RedirectedIncidentIdAsync(response));
        Assert.Equal(new DateTime(2026, 1, 15, 10, 30, 0, DateTimeKind.Utc), stored.OccurredAt);
    }

    [Theory]
    [InlineData("2025-03-30T03:00", "30.03.2025 03:00 does not exist in Kyiv (clocks moved forward); enter the time in UTC.")]
    [InlineData("2025-03-30T03:30", "30.03.2025 03:30 does not exist in Kyiv (clocks moved forward); enter the time in UTC.")]
    [InlineData("2025-03-30T03:59", "30.03.2025 03:59 does not exist in Kyiv (clocks moved forward); enter the time in UTC.")]
    [InlineData("2025-10-26T03:00", "26.10.2025 03:00 happened twice in Kyiv (clocks moved back); enter the time in UTC.")]
    [InlineData("2025-10-26T03:30", "26.10.2025 03:30 happened twice in Kyiv (clocks moved back); enter the time in UTC.")]
    [InlineData("2025-10-26T03:59", "26.10.2025 03:59 happened twice in Kyiv (clocks moved back); enter the time in UTC.")]
    public async Task A_Kyiv_time_skipped_or_repeated_by_a_clock_change_is_a_message_by_the_time_and_stores_nothing(string typed, string message)
    {
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);
        var fields = NewIncident(DateTime.UnixEpoch);
        fields["Input.OccurredAt"] = typed;
        fields["Input.OccurredAtZone"] = "Kyiv";
        var before = await factory.CountsAsync();

        using var response = await analyst.PostFormAsync(Page, Page, fields.AsFields());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.HtmlAsync();
        Assert.Equal(message, Browser.FieldError(html, "Input.OccurredAt"));
        Assert.Equal(typed, Shown(html, "Input.OccurredAt"));
        Assert.Equal("Kyiv", Shown(html, "Input.OccurredAtZone"));
        Assert.Equal(before, await factory.CountsAsync());

        // The same wall-clock time typed as UTC is an ordinary instant and is accepted.
        fields["Input.OccurredAtZone"] = "Utc";
        using var asUtc = await analyst.PostFormAsync(Page, Page, fields.AsFields());
        await RedirectedIncidentIdAsync(asUtc);
    }

    [Fact]
    public async Task A_Kyiv_time_more_than_five_minutes_ahead_is_refused_as_future_and_stores_nothing()
    {
        var analyst = await factory.SignedInAsRoleAsync(Roles.Analyst);
        var fields = NewIncident(DateTime.UnixEpoch);
        fields["Input.OccurredAt"] = "2026-02-04T08:06"; // 06:06Z, one minute past the skew allowed at 06:00Z
        fields["Input.OccurredAtZone"] = "Kyiv";
        var before = await factory.CountsAsync();

        using var response = await analyst.PostFormAsync(Page, Page, fields.AsFields());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Browser.FieldError(await response.HtmlAsync(), "Input.OccurredAt");
        // As typed (Kyiv) first, then UTC; the server's clock the same way. Found from outside: only UTC was said.
        Assert.Contains("(04.02.2026 08:06 Kyiv, 2026-02-04 06:06:00Z)", message, StringComparison.Ordinal);
        Assert.Contains("(04.02.2026 08:00 Kyiv, 2026-02-04 06:00:00Z)", message, StringComparison.Ordinal);
        Assert.Contains("is in the future", message, StringComparison.Ordinal);
        Assert.Equal(before, await factory.CountsAsync());
    }
}
