using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CeasefireWatch.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PartialIndexesForLiveReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Incidents_MergedIntoId",
                table: "Incidents");

            migrationBuilder.DropIndex(
                name: "IX_Incidents_Status_CeasedAt",
                table: "Incidents");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_MergedIntoId",
                table: "Incidents",
                column: "MergedIntoId",
                filter: "\"MergedIntoId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_Status_CeasedAt",
                table: "Incidents",
                columns: new[] { "Status", "CeasedAt" },
                filter: "\"CeasedAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Incidents_MergedIntoId",
                table: "Incidents");

            migrationBuilder.DropIndex(
                name: "IX_Incidents_Status_CeasedAt",
                table: "Incidents");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_MergedIntoId",
                table: "Incidents",
                column: "MergedIntoId");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_Status_CeasedAt",
                table: "Incidents",
                columns: new[] { "Status", "CeasedAt" });
        }
    }
}
