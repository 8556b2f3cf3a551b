@echo off
rem SiliconFlow API Management - double-click to start on Windows.
rem Installs the dependencies on the first run, then runs scripts\start-direct.js.
rem On an error the window stays open so the message can be read.
setlocal
cd /d "%~dp0"
title SiliconFlow API Management

where node >nul 2>nul
if errorlevel 1 (
  echo Node.js was not found. Install Node.js 20.19 or newer from https://nodejs.org/ and start again.
  goto failed
)

if not exist "node_modules\better-sqlite3" (
  echo First run: installing the dependencies with npm install --omit=dev ...
  call npm install --omit=dev --no-audit --no-fund
  if errorlevel 1 goto failed
)

node scripts\start-direct.js
if errorlevel 1 goto failed
exit /b 0

:failed
echo.
echo SiliconFlow API Management stopped with an error - see the messages above.
pause
exit /b 1
