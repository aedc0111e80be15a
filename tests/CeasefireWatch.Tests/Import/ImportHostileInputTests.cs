using CeasefireWatch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static CeasefireWatch.Tests.Infrastructure.Imports;

namespace CeasefireWatch.Tests.Import;

/// <summary>Files an attacker or an unlucky operator sends to <c>POST /api/imports</c>: each is a clear 400 naming its lines, never a 500.</summary>
public sealed class ImportHostileInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Found from outside: an ACLED event dated on the calendar's last day (9999-12-31, in either date form) was a 500,
    /// as the end of its day (the next midnight) cannot be written. It is a date in the future like any other.
    /// </summary>
    [Theory]
    [InlineData("9999-12-31")]
    [InlineData("31 December 9999")]
    [InlineData("0001-01-01")]
    public async Task An_acled_event_on_the_first_or_last_day_of_the_calendar_is_a_bad_line(string date)
    {
        await using var app = new CeasefireWatchFactory();

        var lines = await AssertRejectedAsync(await PostAsync(app.CreateApiClient(), AcledHeader
            + Acled("UKR900001", date, "Battles", "Armed clash", "Donetsk", "Bakhmut", "48.59", "38.00", "Clash.", "0")));

        var line = Assert.Single(lines);
        Assert.Equal((2L, "event_date"), (line.Line, line.Column));
        Assert.Contains(date.StartsWith("0001", StringComparison.Ordinal) ? "after 2014" : "in the future", line.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Incidents.CountAsync(Ct)));
    }
}
