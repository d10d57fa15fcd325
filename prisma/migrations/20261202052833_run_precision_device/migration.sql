-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "device" TEXT,
ADD COLUMN     "precision" TEXT;

