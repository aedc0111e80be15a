using CeasefireWatch.Web.Features.Import;

namespace CeasefireWatch.Tests.Import;

/// <summary>Every region in each common spelling, and names that are not regions.</summary>
public sealed class RegionMatcherTests
{
    /// <summary>Canonical name, the "-ska" adjective transliteration, English "Oblast" form, Ukrainian.</summary>
    public static TheoryData<string, string, string, string> Oblasts => new()
    {
        { "Cherkasy", "Cherkaska", "Cherkasy Oblast", "Черкаська область" },
        { "Chernihiv", "Chernihivska", "Chernihiv Oblast", "Чернігівська область" },
        { "Chernivtsi", "Chernivetska", "Chernivtsi Oblast", "Чернівецька область" },
        { "Dnipropetrovsk", "Dnipropetrovska", "Dnipropetrovsk Oblast", "Дніпропетровська область" },
        { "Donetsk", "Donetska", "Donetsk Oblast", "Донецька область" },
        { "Ivano-Frankivsk", "Ivano-Frankivska", "Ivano-Frankivsk Oblast", "Івано-Франківська область" },
        { "Kharkiv", "Kharkivska", "Kharkiv Oblast", "Харківська область" },
        { "Kherson", "Khersonska", "Kherson Oblast", "Херсонська область" },
        { "Khmelnytskyi", "Khmelnytska", "Khmelnytskyi Oblast", "Хмельницька область" },
        { "Kirovohrad", "Kirovohradska", "Kirovohrad Oblast", "Кіровоградська область" },
        { "Kyiv", "Kyivska", "Kyiv Oblast", "Київська область" },
        { "Luhansk", "Luhanska", "Luhansk Oblast", "Луганська область" },
        { "Lviv", "Lvivska", "Lviv Oblast", "Львівська область" },
        { "Mykolaiv", "Mykolaivska", "Mykolaiv Oblast", "Миколаївська область" },
        { "Odesa", "Odeska", "Odesa Oblast", "Одеська область" },
        { "Poltava", "Poltavska", "Poltava Oblast", "Полтавська область" },
        { "Rivne", "Rivnenska", "Rivne Oblast", "Рівненська область" },
        { "Sumy", "Sumska", "Sumy Oblast", "Сумська область" },
        { "Ternopil", "Ternopilska", "Ternopil Oblast", "Тернопільська область" },
        { "Vinnytsia", "Vinnytska", "Vinnytsia Oblast", "Вінницька область" },
        { "Volyn", "Volynska", "Volyn Oblast", "Волинська область" },
        { "Zakarpattia", "Zakarpatska", "Zakarpattia Oblast", "Закарпатська область" },
        { "Zaporizhzhia", "Zaporizka", "Zaporizhzhia Oblast", "Запорізька область" },
        { "Zhytomyr", "Zhytomyrska", "Zhytomyr Oblast", "Житомирська область" },
    };

    [Theory]
    [MemberData(nameof(Oblasts))]
    public void Each_oblast_is_matched_in_every_common_spelling(string canonical, string adjective, string english, string ukrainian)
    {
        string[] spellings =
        [
            canonical, canonical.ToUpperInvariant(), canonical.ToLowerInvariant(), $"  {canonical} ",
            adjective, $"{adjective} oblast", $"{adjective} Oblast", $"{adjective} obl.",
            english, english.ToLowerInvariant(), $"{canonical} region",
            ukrainian, ukrainian.Replace("область", "обл.", StringComparison.Ordinal), ukrainian.Replace(" область", string.Empty, StringComparison.Ordinal),
        ];

        Assert.All(spellings, s => Assert.True(RegionMatcher.Match(s) == canonical, $"'{s}' matched {RegionMatcher.Match(s) ?? "nothing"}, not {canonical}"));
    }

    [Theory]
    [InlineData("Crimea", "Crimea")]
    [InlineData("Avtonomna Respublika Krym", "Crimea")]
    [InlineData("Автономна Республіка Крим", "Crimea")]
    [InlineData("Autonomous Republic of Crimea", "Crimea")]
    [InlineData("Kyiv City", "Kyiv City")]
    [InlineData("Kyiv city", "Kyiv City")]
    [InlineData("KYIV CITY", "Kyiv City")]
    [InlineData("м. Київ", "Kyiv City")]
    [InlineData("м.Київ", "Kyiv City")]
    [InlineData("m. Kyiv", "Kyiv City")]
    [InlineData("Київ", "Kyiv City")]
    [InlineData("Sevastopol", "Sevastopol")]
    [InlineData("м. Севастополь", "Sevastopol")]
    [InlineData("m. Sevastopol", "Sevastopol")]
    [InlineData("Kyiv", "Kyiv")]
    [InlineData("Kyivska oblast", "Kyiv")]
    [InlineData("Mykolaivs’ka oblast", "Mykolaiv")]
    [InlineData("Ivano Frankivsk", "Ivano-Frankivsk")]
    [InlineData("Zaporizhia", "Zaporizhzhia")]
    [InlineData("Odessa", "Odesa")]
    [InlineData("Kiev", "Kyiv")]
    [InlineData("м. Харків", "Kharkiv")]
    public void Cities_crimea_and_other_spellings(string spelling, string canonical) =>
        Assert.Equal(canonical, RegionMatcher.Match(spelling));

    [Theory]
    [InlineData("Lubenskyi raion")]
    [InlineData("Atlantis")]
    [InlineData("oblast")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("Minsk")]
    public void Names_that_are_not_regions_match_nothing(string? name) => Assert.Null(RegionMatcher.Match(name));

    [Fact]
    public void Every_canonical_name_matches_itself() =>
        Assert.All(Web.Domain.Oblasts.All, name => Assert.Equal(name, RegionMatcher.Match(name)));
}
