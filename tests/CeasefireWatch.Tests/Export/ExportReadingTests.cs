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
