using System.Globalization;
using CeasefireWatch.Web.Resources;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CeasefireWatch.Web.Infrastructure.Localization;

/// <summary>
/// English and Ukrainian UI. The language is chosen per person: the culture cookie once they pick one on the
/// preferences page, the browser's Accept-Language before that, English otherwise.
/// </summary>
public static class UiCultures
{
    public const string English = "en";
    public const string Ukrainian = "uk";

    public static IReadOnlyList<string> All { get; } = [English, Ukrainian];

    /// <summary>Whether the page is being shown in Ukrainian (for the few places that format text by language).</summary>
    public static bool IsUkrainian => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == Ukrainian;

    public static IServiceCollection AddUiLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        // Razor encodes every character outside Basic Latin as &#x...; by default: Ukrainian pages would be all entities
        // (and "→" in English too). HTML-significant characters are still encoded.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(English);
            // Only the UI language changes. Number and date formatting stays English (invariant-like) on purpose:
            // model binding of "47.66" and the ISO times the forms and API exchange must not depend on the reader's
            // language; dates shown to people are formatted explicitly (day-month-year) in one place, ZoneTime.
            o.SupportedCultures = [new CultureInfo(English)];
            o.SupportedUICultures = [.. All.Select(c => new CultureInfo(c))];
            o.FallBackToParentUICultures = true;
            o.RequestCultureProviders =
            [
                new CookieRequestCultureProvider(),
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });

        // FluentValidation builds every message through one formatter: translating the template there localizes the
        // messages of every validator (its placeholders, such as {PropertyValue}, are filled in after translation).
        FluentValidation.ValidatorOptions.Global.MessageFormatterFactory = () => new LocalizingMessageFormatter();
        return services;
    }

    /// <summary>The culture cookie's value for a UI language (number formatting stays English, see above).</summary>
    public static string CookieValue(string uiCulture) =>
        CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(English, uiCulture));
}

/// <summary>
/// The UI text for code that has no dependency injection at hand (FluentValidation's global formatter, tag helpers'
/// static parts). It is the same <see cref="IStringLocalizer{T}"/> implementation over the same resources that
/// pages receive by injection, reading the current request's UI culture.
/// </summary>
public static class Text
{
    private static readonly IStringLocalizer Localizer = new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance).Create(typeof(SharedResource));

    /// <summary>The text in the current UI language; the English key itself when there is no translation.</summary>
    public static string Get(string english) => Localizer[english];

    /// <summary>A translated composite format, filled in (arguments formatted invariantly).</summary>
    public static string Format(string english, params object?[] arguments) =>
        string.Format(CultureInfo.InvariantCulture, Localizer[english], arguments);
}

/// <summary>Translates a FluentValidation message template before its placeholders are filled in.</summary>
internal sealed class LocalizingMessageFormatter : FluentValidation.Internal.MessageFormatter
{
    public override string BuildMessage(string messageTemplate) => base.BuildMessage(Text.Get(messageTemplate));
}
