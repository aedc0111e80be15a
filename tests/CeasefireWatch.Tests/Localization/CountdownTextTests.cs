using System.Globalization;
using CeasefireWatch.Web.Infrastructure;

namespace CeasefireWatch.Tests.Localization;

/// <summary>An escalation window or a lag reads as one unbreakable quantity in either language.</summary>
public sealed class CountdownTextTests
{
    [Theory]
    [InlineData("en", 24 * 3600, "24\u00A0h")]
    [InlineData("en", 90 * 60, "90\u00A0min")]
    [InlineData("en", 2.5, "2.5\u00A0s")]
    [InlineData("uk", 72 * 3600, "72\u00A0год")]
    [InlineData("uk", 30 * 60, "30\u00A0хв")]
    [InlineData("uk", 30, "30\u00A0с")]
    public void A_window_keeps_its_number_and_unit_on_one_line(string language, double seconds, string expected)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(language);
        try
        {
            Assert.Equal(expected, Countdown.Window(TimeSpan.FromSeconds(seconds)));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
