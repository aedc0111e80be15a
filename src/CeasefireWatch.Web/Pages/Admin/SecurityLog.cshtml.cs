using CeasefireWatch.Web.Data;
using CeasefireWatch.Web.Features.Accounts;
using CeasefireWatch.Web.Features.Incidents;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Admin;

/// <summary>The security log: sign-ins, failures, lockouts, account and key changes, with time and source address.</summary>
public sealed class SecurityLogModel(IMediator mediator) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public PagedResult<SecurityEvent> Events { get; private set; } = new([], 0);

    public int PageCount => Math.Max(1, (int)Math.Ceiling(Events.Total / (double)ListSecurityEvents.PageSize));

    public async Task OnGetAsync(CancellationToken ct) =>
        Events = await mediator.Send(new ListSecurityEvents.Query(PageNumber), ct);
}
