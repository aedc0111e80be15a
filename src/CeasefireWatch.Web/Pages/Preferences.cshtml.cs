using System.Globalization;
using CeasefireWatch.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages;

/// <summary>
/// The person's language and time zone, remembered in this browser's cookies. Open to anyone: the sign-in and
/// setup pages need the language switch too, and a cookie of one's own harms nobody.
/// </summary>
[AllowAnonymous]
public sealed class PreferencesModel : PageModel
{
    [BindProperty]
    public string? Culture { get; set; }

    [BindProperty]
    public TimeInputZone Zone { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
        Culture = UiCultures.IsUkrainian ? UiCultures.Ukrainian : UiCultures.English;
        Zone = ZonePreference.Of(HttpContext);
    }

    public IActionResult OnPost()
    {
        if (!ModelState.IsValid || !Enum.IsDefined(Zone))
        {
            return BadRequest();
        }

        SetCulture(Culture);
        ZonePreference.Remember(HttpContext, Zone);
        TempData["Status"] = Text.Get("Preferences saved.");
        return LocalRedirect(SafeReturnUrl());
    }

    /// <summary>The one-click switch in the top bar.</summary>
    public IActionResult OnPostLanguage(string? culture)
    {
        SetCulture(culture);
        return LocalRedirect(SafeReturnUrl());
    }

    private void SetCulture(string? culture)
    {
        if (culture is not null && UiCultures.All.Contains(culture))
        {
            // The confirmation is written now but read on the next page: in the language just chosen.
            CultureInfo.CurrentUICulture = new CultureInfo(culture);
            Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName, UiCultures.CookieValue(culture), Preferences.CookieOptions(HttpContext));
        }
    }

    private string SafeReturnUrl() => Infrastructure.LocalReturnUrl.Or(Url, ReturnUrl);
}
