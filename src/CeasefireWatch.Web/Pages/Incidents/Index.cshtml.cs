using System.Globalization;
using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure;
using CeasefireWatch.Web.Infrastructure.Localization;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Incidents;

/// <summary>The incident list: search, filters, sorting and paging, all kept in the URL; and the export of what is filtered.</summary>
public sealed class IndexModel(IMediator mediator) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Stage { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Oblast { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Verification { get; set; }

    /// <summary>"true": only active incidents with a checklist item overdue (the dashboard links here).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Overdue { get; set; }

    /// <summary>First violation on or after this day (day.month.year, or ISO), in the person's zone.</summary>
    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    /// <summary>First violation on or before this day, inclusive.</summary>
    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    /// <summary>"p", not "page": Razor Pages reserves the "page" route value for the page's own path.</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public PagedResult<IncidentDto> Result { get; private set; } = new([], 0);

    public int PageCount => Math.Max(1, (int)Math.Ceiling(Result.Total / (double)ListIncidents.DefaultPageSize));

    /// <summary>The zone the days are read in and the times shown in.</summary>
    public TimeInputZone Zone { get; private set; }

    /// <summary>The same filters as the CSV export's query string.</summary>
    public Dictionary<string, string?> ExportQuery { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        // A page number out of range (p=0, p=-5, a bookmark to page 9999 of a list that has since shrunk) is sent to
        // the nearest page that exists, so that the count, the rows and the pager agree with the address. A number too
        // large for an int fails binding; it is as far past the last page as any other.
        var requestedPage = PageNumber;
        if (ModelState.GetFieldValidationState("p") == ModelValidationState.Invalid && IsWholeNumber(Request.Query["p"]))
        {
            ModelState.Remove("p");
            requestedPage = Request.Query["p"].ToString().TrimStart().StartsWith('-') ? 0 : int.MaxValue;
        }

        PageNumber = Math.Clamp(requestedPage, 1, ListIncidents.MaxPage);
        Zone = ZonePreference.Of(HttpContext);
        var from = Day(nameof(From), From, endOfDay: false);
        var to = Day(nameof(To), To, endOfDay: true);
        var query = new ListIncidents.Query(
            Status, Stage, Oblast, from, to, PageNumber, ListIncidents.DefaultPageSize, Verification, Overdue, Q, Sort);
        ExportQuery = new Dictionary<string, string?>
        {
            ["status"] = Status,
            ["stage"] = Stage,
            ["oblast"] = Oblast,
            ["verification"] = Verification,
            ["from"] = query.From,
            ["to"] = query.To,
            ["overdue"] = Overdue,
            ["q"] = Q,
        };

        if (!ModelState.IsValid)
        {
            return Page();
        }

        try
        {
            Result = await mediator.Send(query, ct);
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, string.Empty);
            return Page();
        }

        PageNumber = Math.Min(PageNumber, PageCount);
        return PageNumber == requestedPage ? Page() : RedirectToPage(new RouteValueDictionary(RouteFor(PageNumber).Select(kv => KeyValuePair.Create(kv.Key, (object?)kv.Value))));
    }

    private static bool IsWholeNumber(string? text) =>
        text?.Trim() is { Length: > 0 } t && t.TrimStart('-', '+') is { Length: > 0 } digits && digits.All(char.IsAsciiDigit);

    /// <summary>The route values of another page, or another sort, of the same searched and filtered list.</summary>
    public Dictionary<string, string> RouteFor(int page, string? sort = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["q"] = Q,
            ["status"] = Status,
            ["stage"] = Stage,
            ["oblast"] = Oblast,
            ["verification"] = Verification,
            ["overdue"] = Overdue,
            ["from"] = From,
            ["to"] = To,
            ["sort"] = sort ?? Sort,
            ["p"] = page == 1 ? null : page.ToString(CultureInfo.InvariantCulture),
        };
        return values.Where(kv => !string.IsNullOrEmpty(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value!);
    }

    /// <summary>The sort a column header links to: ascending first, descending when already sorted ascending by it.</summary>
    public string SortLinkFor(string key) => CurrentSort == key ? "-" + key : key;

    /// <summary>"ascending", "descending" or "none": the header's aria-sort.</summary>
    public string AriaSortFor(string key) =>
        CurrentSort == key ? "ascending" : CurrentSort == "-" + key ? "descending" : "none";

    private string CurrentSort => string.IsNullOrWhiteSpace(Sort) ? ListIncidents.DefaultSort : Sort.Trim();

    /// <summary>
    /// A day typed in the filter as the instant the list query takes: its first moment, or its last millisecond (the
    /// upper bound is inclusive), in the person's zone. Text that is not a day is a message on the field.
    /// </summary>
    private string? Day(string field, string? text, bool endOfDay)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!ZoneTime.TryParseDay(text, out var day))
        {
            ModelState.AddModelError(field, Text.Format("'{0}' is not a day: enter day.month.year, such as {1}.", text.Trim(), "04.02.2026"));
            return null;
        }

        var start = ZoneTime.StartOfDayUtc(endOfDay ? day.AddDays(1) : day, Zone);
        return UtcFormat.Iso(endOfDay ? start.AddMilliseconds(-1) : start);
    }
}
