using System.Globalization;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;
using CeasefireWatch.Web.Features.Export;
using CeasefireWatch.Web.Infrastructure;

namespace CeasefireWatch.Tests.Export;

/// <summary>
/// The export reads stored values itself (a data reader, not EF Core's materialiser) and remembers Kyiv's offset
/// hour by hour; each shortcut must give exactly what the general path gives.
/// </summary>
public sealed class ExportReadingTests
{
    [Fact]
    public void Kyiv_times_match_the_time_zone_every_few_minutes_across_years_of_clock_changes()
    {
        // Both directions, from a time before the present rules to the future: every 7 minutes over 1990–1992 (the
        // Soviet-era changes), 2010–2012 and 2025–2027, and the hours either side of each change checked minute by minute.
        foreach (var year in (int[])[1990, 2010, 2025])
        {
            var start = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            for (var t = start; t < start.AddYears(3); t = t.AddMinutes(7))
            {
                AssertSameAsZone(t);
                if (KyivTime.Zone.GetUtcOffset(t) != KyivTime.Zone.GetUtcOffset(t.AddMinutes(7)))
                {
                    for (var m = t.AddHours(-2); m < t.AddHours(3); m = m.AddMinutes(1))
                    {
                        AssertSameAsZone(m);
                        AssertSameAsZone(m.AddTicks(-1));
                    }
                }
            }
        }
    }

    [Fact]
    public async Task Rows_write_the_contracts_time_patterns_whatever_kind_a_utc_time_came_with()
    {
        // The writer uses the round-trip format, which writes a Z only for a time marked UTC, and drops the fraction's
        // trailing zeros as the JSON does: every 11 minutes over 1990–1992 and 2025–2027, with fractions of none, one,
        // two and seven digits in turn, the UTC times given marked and unmarked in turn, each cell must be the text
        // System.Text.Json writes for the same instant.
        var expected = new List<string[]>();
        var rows = new List<TimelineCsvRow>();
        foreach (var year in (int[])[1990, 2025])
        {
            var start = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            for (var (minute, n) = (start, 0); minute < start.AddYears(3); minute = minute.AddMinutes(11), n++)
            {
                var t = minute.AddTicks((n % 4) switch { 0 => 0, 1 => 5_000_000, 2 => 1_200_000, _ => 12_345_678 });
                var given = n % 2 == 0 ? t : DateTime.SpecifyKind(t, DateTimeKind.Unspecified);
                var due = n % 3 == 0 ? (DateTime?)null : given.AddHours(24);
                rows.Add(new TimelineCsvRow
                {
                    AtUtc = given, AtKyiv = CsvTime.Kyiv(t), DueAtUtc = due, DueAtKyiv = CsvTime.Kyiv(due),
                    IncidentOccurredAtUtc = given, IncidentOccurredAtKyiv = CsvTime.Kyiv(t),
                });
                expected.Add([
                    Pattern(t), KyivPattern(t), due is null ? "" : Pattern(t.AddHours(24)), due is null ? "" : KyivPattern(t.AddHours(24))]);
            }
        }

        using var stream = new MemoryStream();
        await TimelineCsv.WriteAsync(stream, rows.ToAsyncEnumerable(), TestContext.Current.CancellationToken);
        stream.Position = 0;
        using var reader = CsvHelper.CsvReader.Create(stream, CsvHelper.CsvReaderOptions.Default);
        var i = 0;
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            string[] written = [reader.GetString("at_utc"), reader.GetString("at_kyiv"), reader.GetString("due_at_utc"), reader.GetString("due_at_kyiv")];
            Assert.Equal(expected[i], written);
            Assert.Equal(expected[i][0], reader.GetString("incident_occurred_at_utc"));
            Assert.Equal(expected[i][1], reader.GetString("incident_occurred_at_kyiv"));
            i++;
        }

        Assert.Equal(rows.Count, i);

        static string Pattern(DateTime utc) => System.Text.Json.JsonSerializer.Serialize(utc).Trim('"');
        static string KyivPattern(DateTime utc) =>
            System.Text.Json.JsonSerializer.Serialize(TimeZoneInfo.ConvertTime(new DateTimeOffset(utc), KyivTime.Zone)).Trim('"');
    }

    [Fact]
    public void Kyiv_times_in_alternating_hours_are_not_mixed_up()
    {
        var winter = new DateTime(2026, 1, 15, 10, 30, 0, DateTimeKind.Utc);
        var summer = new DateTime(2026, 7, 15, 10, 30, 0, DateTimeKind.Utc);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(TimeSpan.FromHours(2), CsvTime.Kyiv(winter).Offset);
            Assert.Equal(TimeSpan.FromHours(3), CsvTime.Kyiv(summer).Offset);
        }
    }

    [Theory]
    [InlineData("2026-03-29 00:59:59.9999999")]
    [InlineData("2026-03-29 01:00:00")]
    [InlineData("2024-02-29 23:00:00.5")]
    [InlineData("2026-11-28 13:05:07.1234")]
    [InlineData("0001-01-01 00:00:00")]
    [InlineData("9999-12-31 23:59:59.9999999")]
    [InlineData("2026-11-28T13:05:07.0000001")]
    public void A_stored_time_is_read_by_position_exactly_as_the_general_parser_reads_it(string stored)
    {
        Assert.True(StoredTime.TryParse(stored, out var read));

        var general = DateTime.Parse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.Equal(general, read);
        Assert.Equal(DateTimeKind.Utc, read.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-11-28")]
    [InlineData("2026-11-28 13:05")]
    [InlineData("2026-02-29 10:00:00")]
    [InlineData("2026-13-01 10:00:00")]
    [InlineData("2026-11-28 24:00:00")]
    [InlineData("2026-11-28 13:05:07.")]
    [InlineData("2026-11-28 13:05:07.12345678")]
    [InlineData("2026-11-28 13:05:07+02:00")]
    [InlineData("2026-11-28 13:05:07.12Z")]
    [InlineData("2026/11/28 13:05:07")]
    [InlineData("2026-11-2x 13:05:07")]
    public void Any_other_text_is_left_to_the_general_parser(string stored) =>
        Assert.False(StoredTime.TryParse(stored, out _));

    [Fact]
    public void Stored_names_are_read_back_as_the_enum_they_name_and_an_unknown_one_is_refused()
    {
        Assert.All(Enum.GetValues<TimelineKind>(), kind => Assert.Equal(kind, StoredName<TimelineKind>.Parse(kind.ToString())));
        Assert.All(Enum.GetValues<Stage>(), stage => Assert.Equal(stage, StoredName<Stage>.Parse(stage.ToString())));
        Assert.Throws<ArgumentException>(() => StoredName<Stage>.Parse("Tier9"));
    }

    private static void AssertSameAsZone(DateTime utc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, KyivTime.Zone);
        var expected = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), local - utc);
        var actual = CsvTime.Kyiv(utc);
        Assert.True(expected == actual && expected.Offset == actual.Offset, $"{utc:O}: expected {expected:O}, got {actual:O}");
    }
}
