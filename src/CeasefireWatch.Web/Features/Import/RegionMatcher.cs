using System.Text;
using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Domain;

namespace CeasefireWatch.Web.Features.Import;

/// <summary>
/// Finds the region a name in someone else's file means, whatever the common spelling: the canonical English
/// names of CONTRACT.md; the Ukrainian-style adjective transliterations with or without "oblast"
/// (<c>Vinnytska oblast</c>); English "X Oblast"; Ukrainian (<c>Вінницька область</c>, <c>обл.</c>); the cities
/// (<c>Kyiv City</c>, <c>м. Київ</c>, <c>m. Kyiv</c>, <c>Sevastopol</c>); Crimea's official names; and the older or
/// Russian-based transliterations still common in English data (ACLED's <c>Zaporizhia</c>, <c>Odessa</c>, <c>Kiev</c>).
/// </summary>
/// <remarks>
/// A name is normalised before it is looked up: case, apostrophes (’ ' ʼ ` ‘), hyphens and repeated spaces are
/// ignored; a region word (oblast, obl., область, обл., region, province) is dropped; a city word (м., m., місто,
/// misto, city) marks the name as a city. A plain <c>Kyiv</c> is the oblast (as in CONTRACT.md); <c>Kyiv</c> with a
/// city word, and the Ukrainian <c>Київ</c> alone, are the city. Any other city word before a region's name means
/// that region (<c>м. Харків</c> is in Kharkiv oblast).
/// </remarks>
public static class RegionMatcher
{
    private const string CityMarker = "city:";

    private static readonly string[] RegionWords = ["oblast", "obl", "область", "обл", "region", "province"];
    private static readonly string[] CityWordsBefore = ["м", "m", "місто", "misto", "city of", "city"];
    private static readonly string[] CityWordsAfter = ["city", "місто"];

    /// <summary>Spellings beyond the canonical names and the seeds' Ukrainian names and aliases.</summary>
    private static readonly Dictionary<string, string[]> Variants = new()
    {
        ["Cherkasy"] = ["Cherkaska", "Cherkassy", "Cherkasskaya", "Черкаси"],
        ["Chernihiv"] = ["Chernihivska", "Chernigov", "Chernigovskaya", "Чернігів"],
        ["Chernivtsi"] = ["Chernivetska", "Chernovtsy", "Chernivtsy", "Чернівці"],
        ["Crimea"] = ["Avtonomna Respublika Krym", "Автономна Республіка Крим", "Autonomous Republic of Crimea", "Republic of Crimea", "Krym", "Крим", "АР Крим", "AR Krym", "ARC"],
        ["Dnipropetrovsk"] = ["Dnipropetrovska", "Dnepropetrovsk", "Dnipropetrovs'k", "Дніпропетровськ"],
        ["Donetsk"] = ["Donetska", "Donetsk Oblast", "Донецьк"],
        ["Ivano-Frankivsk"] = ["Ivano-Frankivska", "Ivano-Frankovsk", "Івано-Франківськ"],
        ["Kharkiv"] = ["Kharkivska", "Kharkov", "Харків"],
        ["Kherson"] = ["Khersonska", "Херсон"],
        ["Khmelnytskyi"] = ["Khmelnytska", "Khmelnytskyy", "Khmelnytsky", "Khmelnitsky", "Khmelnitskiy", "Khmelnytskyi Oblast", "Хмельницький"],
        ["Kirovohrad"] = ["Kirovohradska", "Kirovograd", "Kirovohradskaya", "Кропивницький", "Kropyvnytskyi"],
        ["Kyiv"] = ["Kyivska", "Kiev", "Kievskaya", "Kyiv Oblast"],
        ["Luhansk"] = ["Luhanska", "Lugansk", "Луганськ"],
        ["Lviv"] = ["Lvivska", "Lvov", "Lwow", "L'viv", "Львів"],
        ["Mykolaiv"] = ["Mykolaivska", "Mykolayiv", "Nikolaev", "Nikolayev", "Миколаїв"],
        ["Odesa"] = ["Odeska", "Odessa", "Одеса"],
        ["Poltava"] = ["Poltavska", "Полтава"],
        ["Rivne"] = ["Rivnenska", "Rovno", "Рівне"],
        ["Sumy"] = ["Sumska", "Суми"],
        ["Ternopil"] = ["Ternopilska", "Ternopol", "Тернопіль"],
        ["Vinnytsia"] = ["Vinnytska", "Vinnytsya", "Vinnitsa", "Vinnytsa", "Вінниця"],
        ["Volyn"] = ["Volynska", "Volhynia", "Volynia", "Волинь"],
        ["Zakarpattia"] = ["Zakarpatska", "Zakarpattya", "Transcarpathia", "Transcarpathian", "Закарпаття"],
        ["Zaporizhzhia"] = ["Zaporizka", "Zaporizhia", "Zaporizhzhya", "Zaporizhzhe", "Zaporozhye", "Zaporozhe", "Запоріжжя"],
        ["Zhytomyr"] = ["Zhytomyrska", "Zhitomir", "Житомир"],
    };

    private static readonly Dictionary<string, string> ByKey = Build();

    /// <summary>The canonical name (CONTRACT.md) of the region <paramref name="name"/> means, or null when it is none.</summary>
    public static string? Match(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var key = Key(name);
        if (ByKey.TryGetValue(key, out var region))
        {
            return region;
        }

        // "м. Харків", "City of Odesa": a city whose region carries its name.
        return key.StartsWith(CityMarker, StringComparison.Ordinal) && ByKey.TryGetValue(key[CityMarker.Length..], out region)
            ? region
            : null;
    }

    private static Dictionary<string, string> Build()
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string spelling, string region) => keys.TryAdd(Key(spelling), region);

        // The two cities first, so that their spellings win over the "city word + region" fallback.
        foreach (var spelling in new[] { "Kyiv City", "м. Київ", "m. Kyiv", "Київ", "місто Київ", "Kiev City", "City of Kyiv", "Kyiv city" })
        {
            Add(spelling, "Kyiv City");
        }

        foreach (var spelling in new[] { "Sevastopol", "м. Севастополь", "m. Sevastopol", "Севастополь", "Sebastopol", "City of Sevastopol" })
        {
            Add(spelling, "Sevastopol");
            keys.TryAdd(Key(spelling).Replace(CityMarker, string.Empty, StringComparison.Ordinal), "Sevastopol");
        }

        foreach (var region in Oblasts.All)
        {
            Add(region, region);
        }

        foreach (var seed in SeedData.Load().Regions)
        {
            Add(seed.NameUk, seed.Name);
            foreach (var alias in seed.Aliases)
            {
                Add(alias, seed.Name);
            }
        }

        foreach (var (region, spellings) in Variants)
        {
            foreach (var spelling in spellings)
            {
                Add(spelling, region);
            }
        }

        return keys;
    }

    /// <summary>The lookup key: lower case, no apostrophes or hyphens, no region word; "city:" in front of a city.</summary>
    internal static string Key(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            switch (c)
            {
                case '\'' or '’' or 'ʼ' or '`' or '‘' or '´':
                    break;
                case '-' or '–' or '_' or ',' or '.' or '\u00a0' or '\t':
                    text.Append(' ');
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        var words = text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var city = false;
        if (words.Count > 1 && CityWordsBefore.Contains(words[0]))
        {
            city = true;
            words.RemoveAt(0);
            if (words.Count > 1 && words[0] == "of")
            {
                words.RemoveAt(0);
            }
        }

        if (words.Count > 1 && CityWordsAfter.Contains(words[^1]))
        {
            city = true;
            words.RemoveAt(words.Count - 1);
        }

        if (words.Count > 1 && RegionWords.Contains(words[^1]))
        {
            words.RemoveAt(words.Count - 1);
        }

        var key = string.Join(' ', words);
        return city ? CityMarker + key : key;
    }

    /// <summary>Every spelling known, for the docs and the tests: canonical name to its spellings.</summary>
    internal static IReadOnlyDictionary<string, string[]> KnownVariants => Variants;
}
