using CeasefireWatch.Web.Features.Incidents;
using CeasefireWatch.Web.Features.Notifications;
using CeasefireWatch.Web.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CeasefireWatch.Web.Pages.Notifications;

/// <summary>The delivery log: each notification, its tries, the last answer, and whether and when it arrived.</summary>
[Authorize(Policy = Policies.Supervise)]
public sealed class DeliveriesModel(IMediator mediator) : PageModel
{
    public PagedResult<ListNotifications.DeliveryDto> Deliveries { get; private set; } = new([], 0);

    [BindProperty(SupportsGet = true, Name = "p")]
    public int? PageNumber { get; set; }

    public int CurrentPage => PageNumber ?? 1;

    public int PageCount => Math.Max(1, (Deliveries.Total + ListNotifications.DefaultPageSize - 1) / ListNotifications.DefaultPageSize);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        try
        {
            Deliveries = await mediator.Send(new ListNotifications.Query(PageNumber), ct);
        }
        catch (ValidationException ex)
        {
            ModelState.AddModelError(string.Empty, string.Join(" ", ex.Errors.Select(e => e.ErrorMessage)));
        }

        return Page();
    }
}
