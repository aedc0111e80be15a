namespace CeasefireWatch.Web.Api;

/// <summary>The problems any API call may answer, whatever it does (CONTRACT.md), declared once for the OpenAPI document.</summary>
internal static class CommonProblems
{
    /// <summary>
    /// 503: a storage failure (database read-only, disk full, lock timeout), with <c>Retry-After</c>; 429: an unknown API
    /// key from an address that sent too many (<c>Security:CredentialGuessing</c>), with <c>Retry-After</c>.
    /// </summary>
    public static RouteGroupBuilder ProducesStorageAndGuessingProblems(this RouteGroupBuilder group) => group
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
