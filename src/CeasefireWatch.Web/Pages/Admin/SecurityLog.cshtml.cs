using CeasefireWatch.Web.Features.Accounts;
using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Admin;

/// <summary>The security log: sign-ins, failures, lockouts, account and key changes, newest first.</summary>
public sealed class SecurityLogModel(IMediator mediator) : PageModel
{
    public PagedResult<ListSecurityEvents.EventRow> Result { get; private set; } = new([], 0);

    public int PageNumber { get; private set; } = 1;

    public int PageCount => Math.Max(1, (int)Math.Ceiling(Result.Total / (double)ListSecurityEvents.PageSize));

    /// <summary>The page number comes from the query string only ("page" is also the Razor page's route value).</summary>
    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "page")] int? page, CancellationToken ct)
    {
        PageNumber = page ?? 1;
        try
        {
            Result = await mediator.Send(new ListSecurityEvents.Query(PageNumber), ct);
        }
        catch (ValidationException ex)
        {
            ModelState.AddValidationFailures(ex, string.Empty);
        }

        return Page();
    }

    /// <summary>The address of another page of the log.</summary>
    public string PageUrl(int page) => $"{Url.Page("/Admin/SecurityLog")}?page={page}";
}
