using CeasefireWatch.Web.Infrastructure.Localization;
using CeasefireWatch.Web.Features.Import;
using CeasefireWatch.Web.Infrastructure;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Incidents;

/// <summary>
/// Import a CSV of incidents or an ACLED export (Analyst). A plain multipart form, so it works without script; with
/// script, import.js posts the same form with a progress bar and shows the same result. The result is either the
/// list of bad lines (nothing imported) or the replay: how many incidents reached each tier, by oblast and by month.
/// </summary>
[RequestSizeLimit(ImportIncidents.MaxBytes + (1024 * 1024))]
[RequestFormLimits(MultipartBodyLengthLimit = ImportIncidents.MaxBytes + (1024 * 1024))]
[RefuseOversizedBody(ImportIncidents.MaxBytes + (1024 * 1024))]
public sealed class ImportModel(IMediator mediator) : PageModel
{
    /// <summary>The most bad lines the page lists: a file of 200,000 bad lines made a page of about 100 MB.</summary>
    public const int BadLinesShown = 1000;

    [BindProperty]
    public bool DryRun { get; set; }

    public ImportIncidents.Outcome? Outcome { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            ModelState.AddModelError("file", Text.Get(file is null ? "Choose a CSV file to import." : "The file is empty: there is nothing to import."));
            return Page();
        }

        if (file.Length > ImportIncidents.MaxBytes)
        {
            ModelState.AddModelError("file", Text.Format("The file is {0} MB; at most {1} MB can be imported at once. Split it.", file.Length / (1024 * 1024), ImportIncidents.MaxBytes / (1024 * 1024)));
            return Page();
        }

        await using var content = file.OpenReadStream();
        Outcome = await mediator.Send(new ImportIncidents.Command(content, DryRun), ct);
        if (Outcome.TooManyRows)
        {
            ModelState.AddModelError("file", Text.Format("The file has more than {0} rows; at most {0} can be imported at once. Split it.", ImportIncidents.MaxRows));
            Outcome = null;
        }

        return Page();
    }
}
